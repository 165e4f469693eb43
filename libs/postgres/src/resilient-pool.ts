import { Logger } from '@nestjs/common';
import { Pool, type PoolConfig } from 'pg';

const logger = new Logger('PostgresPool');

/**
 * A pg Pool that survives its server: an idle client that dies is reported by the pool, and a client
 * that dies while checked out reports on itself — with no listener either one would be an unhandled
 * 'error' event, which ends the Node process. pg-pool already refuses to take a dead client back, so
 * logging is all that is left to do here. `label` names the pool in the log (never a password).
 */
export function createResilientPool(config: PoolConfig, label: string): Pool {
  const pool = new Pool(config);
  const report = (error: Error) => logger.warn(`${label}: ${error.message}`);
  pool.on('error', report);
  pool.on('connect', (client) => client.on('error', report));
  return pool;
}

/** Ends a pool once, whoever asks: a second end() is a no-op instead of pg-pool's error. */
export async function endPool(pool: Pool): Promise<void> {
  if (pool.ended || pool.ending) return;
  await pool
    .end()
    .catch((error: unknown) => logger.warn(`closing a pool: ${error instanceof Error ? error.message : error}`));
}
