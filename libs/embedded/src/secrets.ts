import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

export interface EmbeddedSecrets {
  postgresPassword: string;
  appRolePassword: string;
  jwtSecret: string;
}

/**
 * Secrets of the embedded default, generated on first start and kept (mode 0600) in the git-ignored
 * data folder, so tokens printed yesterday still verify today.
 */
export function loadOrCreateSecrets(dataDir: string): EmbeddedSecrets {
  const file = join(dataDir, 'secrets.json');
  const fresh: EmbeddedSecrets = {
    postgresPassword: randomBytes(18).toString('base64url'),
    appRolePassword: randomBytes(18).toString('base64url'),
    jwtSecret: randomBytes(48).toString('base64url'),
  };
  const stored = existsSync(file) ? (JSON.parse(readFileSync(file, 'utf8')) as Partial<EmbeddedSecrets>) : {};
  const secrets = { ...fresh, ...stored };
  if (Object.keys(stored).length === Object.keys(fresh).length) return secrets;
  mkdirSync(dataDir, { recursive: true });
  writeFileSync(file, `${JSON.stringify(secrets, null, 2)}\n`, { mode: 0o600 });
  return secrets;
}
