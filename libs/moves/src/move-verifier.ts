import { inTransaction, singleRow } from '@switchyard/postgres';
import type { ClientBase } from 'pg';
import type { CapturedChange } from './capture.sql';
import { qualified } from './table-columns';

export interface TableDigest {
  table: string;
  rows: number;
  checksum: string;
}

/**
 * Row count and an order-independent checksum (the sum of each row's 64-bit hash) of the tenant's
 * rows per table. Rows render identically on both sides because every tier has the same columns in
 * the same order (I3) and the caller pins TimeZone for the transaction.
 */
export async function digestTenant(
  client: ClientBase,
  schema: string,
  tables: readonly string[],
  tenantId: string,
): Promise<TableDigest[]> {
  await client.query(
    "SELECT set_config('TimeZone', 'UTC', true), set_config('DateStyle', 'ISO, MDY', true), set_config('extra_float_digits', '3', true)",
  );
  const digests: TableDigest[] = [];
  for (const table of tables) {
    const { rows } = await client.query<{ n: string; h: string }>(
      `SELECT count(*) AS n, coalesce(sum(hashtextextended(t::text, 0)::numeric), 0)::text AS h
         FROM ${qualified(schema, table)} t WHERE tenant_id = $1`,
      [tenantId],
    );
    const digest = singleRow(rows, `digest of ${table}`);
    digests.push({ table, rows: Number(digest.n), checksum: digest.h });
  }
  return digests;
}

export function describeMismatch(source: TableDigest[], target: TableDigest[]): string | undefined {
  for (const s of source) {
    const t = target.find((x) => x.table === s.table);
    if (!t || t.rows !== s.rows || t.checksum !== s.checksum) {
      return `${s.table}: source ${s.rows} rows (checksum ${s.checksum}), target ${t?.rows ?? 0} rows (checksum ${t?.checksum ?? '-'})`;
    }
  }
  return undefined;
}

export interface RowDigests {
  /** table|id → hash of the row text, for the rows the given changes touched (absent rows have none). */
  rows: Map<string, string>;
}

/**
 * A digest of each row the changes touched. After a full verification at an earlier snapshot, these
 * are the only rows that can differ, so comparing them (present or absent, and their content) is a
 * complete check that stays small however large the tenant is.
 */
export async function rowDigests(
  client: ClientBase,
  schema: string,
  tables: readonly string[],
  tenantId: string,
  touched: CapturedChange[],
): Promise<RowDigests> {
  return inTransaction(client, () => rowDigestsInTransaction(client, schema, tables, tenantId, touched), {
    isolation: 'repeatable read',
  });
}

/** rowDigests inside the caller's open transaction (and so in its snapshot). */
export async function rowDigestsInTransaction(
  client: ClientBase,
  schema: string,
  tables: readonly string[],
  tenantId: string,
  touched: CapturedChange[],
): Promise<RowDigests> {
  await client.query(
    "SELECT set_config('TimeZone', 'UTC', true), set_config('DateStyle', 'ISO, MDY', true), set_config('extra_float_digits', '3', true)",
  );
  const rows = new Map<string, string>();
  for (const table of tables) {
    const ids = [...new Set(touched.filter((t) => t.tableName === table).map((t) => String(t.row.id)))];
    if (!ids.length) continue;
    const { rows: found } = await client.query<{ id: string; h: string }>(
      // One primary-key probe per id (a nested loop over the list), whatever the table's statistics say.
      `SELECT t.id::text, hashtextextended(t::text, 0)::text AS h
         FROM unnest($2::uuid[]) AS k(id) JOIN ${qualified(schema, table)} t ON t.tenant_id = $1 AND t.id = k.id`,
      [tenantId, ids],
    );
    for (const r of found) rows.set(`${table}|${r.id}`, r.h);
  }
  return { rows };
}

export function describeRowMismatch(source: RowDigests, target: RowDigests): string | undefined {
  const keys = new Set([...source.rows.keys(), ...target.rows.keys()]);
  for (const key of keys) if (source.rows.get(key) !== target.rows.get(key)) return `row ${key} differs`;
  return undefined;
}
