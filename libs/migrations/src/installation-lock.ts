import { AdvisoryLock, withOwnerClient } from '@switchyard/postgres';
import type { Client } from 'pg';

/**
 * A server-wide advisory lock on a maintenance connection. Installation (which migrates the template
 * database) takes it exclusively; cloning a tenant database from the template takes it shared, because
 * CREATE DATABASE … TEMPLATE fails while anyone is connected to the template.
 */
export async function withInstallationLock<T>(
  maintenanceUrl: string,
  mode: 'exclusive' | 'shared',
  fn: (client: Client) => Promise<T>,
): Promise<T> {
  return withOwnerClient(maintenanceUrl, async (client) => {
    const fnName = mode === 'exclusive' ? 'pg_advisory_lock' : 'pg_advisory_lock_shared';
    await client.query(`SELECT ${fnName}($1, 1)`, [AdvisoryLock.installation]);
    try {
      return await fn(client);
    } finally {
      const unlock = mode === 'exclusive' ? 'pg_advisory_unlock' : 'pg_advisory_unlock_shared';
      // A failed unlock needs no more: the connection ends right after, and the lock with its session.
      await client.query(`SELECT ${unlock}($1, 1)`, [AdvisoryLock.installation]).catch(() => undefined);
    }
  });
}
