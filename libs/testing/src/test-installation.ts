import { randomBytes } from 'node:crypto';
import { buildConfig, parseEnvironment, type EnvironmentSource, type SwitchyardConfig } from '@switchyard/config';
import { quoteIdent, withDatabase, withOwnerClient } from '@switchyard/postgres';

/**
 * Configuration of a throw-away installation on the test server: its own database prefix and its own
 * application role, so test files can run in parallel without seeing each other.
 */
export function testConfig(databaseUrl: string, runId: number, overrides: EnvironmentSource = {}): SwitchyardConfig {
  const prefix = `syt_${runId}_${randomBytes(4).toString('hex')}`;
  return buildConfig(
    parseEnvironment({
      DATABASE_URL: databaseUrl,
      JWT_SECRET: 'switchyard-test-secret-0123456789abcdef',
      SWITCHYARD_DB_PREFIX: prefix,
      APP_DB_USER: `${prefix}_app`,
      APP_DB_PASSWORD: 'switchyard-test-app-password',
      LOG_LEVEL: 'error',
      ...overrides,
    }),
  );
}

/** Drops every database and the role of a test installation, on every server it uses. */
export async function dropTestInstallation(config: SwitchyardConfig): Promise<void> {
  const { controlDatabase, sharedDatabase, templateDatabase, appRole, breakGlassRole } = config.names;
  const placedOn = new Map<string, string[]>();
  await withOwnerClient(config.databaseUrl, async (client) => {
    const exists = await client.query('SELECT 1 FROM pg_database WHERE datname = $1', [controlDatabase]);
    let tenantDatabases: string[] = [];
    if (exists.rowCount) {
      tenantDatabases = await withOwnerClient(withDatabase(config.databaseUrl, controlDatabase), async (control) => {
        // Placed now, or left behind by a move (old data kept for MOVE_RETENTION_MS, a failed copy).
        const { rows } = await control
          .query<{ database: string; server: string }>(
            `SELECT database, server FROM placements WHERE tier = 'database'
             UNION SELECT from_database, from_server FROM moves WHERE from_tier = 'database'
             UNION SELECT to_database, to_server FROM moves WHERE to_tier = 'database'
             UNION SELECT database, server FROM cells WHERE database <> $1`,
            [sharedDatabase],
          )
          .catch(() => ({ rows: [] as { database: string; server: string }[] }));
        for (const r of rows) placedOn.set(r.server, [...(placedOn.get(r.server) ?? []), r.database]);
        return rows.filter((r) => r.server === 'primary').map((r) => r.database);
      });
    }
    for (const database of [...tenantDatabases, controlDatabase, sharedDatabase, templateDatabase]) {
      await client.query(`DROP DATABASE IF EXISTS ${quoteIdent(database)} WITH (FORCE)`);
    }
    for (const role of [appRole, breakGlassRole]) await client.query(`DROP ROLE IF EXISTS ${quoteIdent(role)}`);
  });
  for (const extra of config.extraServers) {
    await withOwnerClient(extra.url, async (client) => {
      for (const database of [...(placedOn.get(extra.name) ?? []), templateDatabase]) {
        await client.query(`DROP DATABASE IF EXISTS ${quoteIdent(database)} WITH (FORCE)`);
      }
      for (const role of [appRole, breakGlassRole]) await client.query(`DROP ROLE IF EXISTS ${quoteIdent(role)}`);
    });
  }
}
