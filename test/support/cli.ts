import { execFile } from 'node:child_process';
import { resolve } from 'node:path';
import { readEnvironment, type SwitchyardConfig } from '@switchyard/config';

const ROOT = resolve(__dirname, '..', '..');

/** The environment a user would give the CLI to reach this installation. */
export function cliEnv(config: SwitchyardConfig, extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const path = readEnvironment().PATH;
  return {
    PATH: path,
    DATABASE_URL: config.databaseUrl,
    JWT_SECRET: config.jwt.secret,
    SWITCHYARD_DB_PREFIX: config.names.controlDatabase.replace(/_control$/, ''),
    APP_DB_USER: config.names.appRole,
    APP_DB_PASSWORD: config.appRolePassword,
    LOG_LEVEL: 'error',
    ...extra,
  };
}

export interface CliResult {
  code: number | null;
  stdout: string;
  stderr: string;
  killed: boolean;
}

/** Runs the built CLI; after `timeoutMs` it is killed with SIGKILL (as a crash would). */
export function runCli(args: string[], env: NodeJS.ProcessEnv, timeoutMs = 60_000): Promise<CliResult> {
  return new Promise((done) => {
    execFile(process.execPath, [resolve(ROOT, 'bin', 'switchyard.js'), ...args], { env, cwd: ROOT, timeout: timeoutMs, killSignal: 'SIGKILL' }, (error, stdout, stderr) => {
      const failure = error as (Error & { code?: number; killed?: boolean }) | null;
      done({ code: failure ? (typeof failure.code === 'number' ? failure.code : null) : 0, stdout, stderr, killed: Boolean(failure?.killed) });
    });
  });
}
