import type { TenantTx } from '@switchyard/tenancy';
import { drizzle } from 'drizzle-orm/node-postgres';
import type { PoolClient } from 'pg';

export interface CapturedSql {
  text: string;
  values: unknown[];
}

/**
 * Records the SQL a repository method sends, without a database: the bare baselines then run exactly
 * the text the routed path runs.
 */
export async function captureSql(tenantId: string, call: (tx: TenantTx) => Promise<unknown>): Promise<CapturedSql[]> {
  const captured: CapturedSql[] = [];
  const recorder = {
    query(config: { text: string }, values?: unknown[]) {
      captured.push({ text: config.text, values: values ?? [] });
      return Promise.resolve({ rows: [], fields: [], rowCount: 0, command: 'SELECT' });
    },
  };
  const db = drizzle(recorder as unknown as PoolClient);
  await call({ db, tenantId, prepared: (build) => build(db) }).catch(() => undefined);
  return captured;
}

/** The same statement against a table in a given schema (the bare pool has no search_path set). */
export function qualify(text: string, schema: string): string {
  return schema === 'public' ? text : text.replaceAll('"employees"', `"${schema}"."employees"`);
}
