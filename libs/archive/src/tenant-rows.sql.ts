import { DomainError } from '@switchyard/errors';
import { hasReadFence, isUuid, quoteIdent } from '@switchyard/postgres';
import type { ClientBase } from 'pg';
import { COPY_TEXT_SETTINGS } from './archive-format';

/**
 * Every statement the archive runs against a tenant's location, in one place. Identifiers come from the
 * catalog or from a manifest already checked against it, and go through quoteIdent; the tenant id,
 * which COPY cannot take as a parameter, is checked to be a UUID first.
 */

export interface ColumnShape {
  name: string;
  notNull: boolean;
  hasDefault: boolean;
  /** Text-like: ordered with COLLATE "C", so the order (and the digest) does not depend on a locale. */
  collatable: boolean;
  /** Computed by PostgreSQL: never exported, never loaded. */
  generated: boolean;
}

export interface TableShape {
  name: string;
  /** In table order. */
  columns: ColumnShape[];
  /** Primary-key columns in key order (tenant_id included when it is part of it). */
  primaryKey: string[];
}

export const TENANT_COLUMN = 'tenant_id';

const qualified = (schema: string, table: string) => `${quoteIdent(schema)}.${quoteIdent(table)}`;

function tenantLiteral(tenantId: string): string {
  if (!isUuid(tenantId)) throw new DomainError('VALIDATION_FAILED', 'A tenant id must be a lower-case UUID');
  return `'${tenantId}'`;
}

/** Transaction-local: the COPY text settings of the format, whatever the server's defaults. */
export async function applyCopySettings(client: ClientBase): Promise<void> {
  const entries = Object.entries(COPY_TEXT_SETTINGS);
  const calls = entries.map((_, i) => `set_config($${2 * i + 1}, $${2 * i + 2}, true)`).join(', ');
  await client.query(`SELECT ${calls}`, entries.flat());
}

/**
 * Sets the transaction-local tenant context (the tables' `tenant_id` default reads it, and it satisfies
 * FORCE RLS for an owner that is not a superuser). Returns whether this location is read-fenced for the
 * tenant: a move or a replace has taken it away from here, so the placement that led here is stale.
 */
export async function enterTenantContext(client: ClientBase, tenantId: string, schema: string): Promise<boolean> {
  await client.query("SELECT set_config('switchyard.tenant_id', $1, true)", [tenantId]);
  return hasReadFence(client, tenantId, schema);
}

/** Columns and primary keys of `tables` in `schema`, as the catalog has them now. */
export async function tableShapes(
  client: ClientBase,
  schema: string,
  tables: readonly string[],
): Promise<TableShape[]> {
  const { rows: columns } = await client.query<ColumnShape & { table: string }>(
    `SELECT c.relname::text AS table, a.attname::text AS name, a.attnotnull AS "notNull", a.atthasdef AS "hasDefault",
            a.attcollation <> 0 AS collatable, a.attgenerated <> '' AS generated
       FROM pg_catalog.pg_class c
       JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
       JOIN pg_catalog.pg_attribute a ON a.attrelid = c.oid AND a.attnum > 0 AND NOT a.attisdropped
      WHERE n.nspname = $1 AND c.relname = ANY($2::text[])
      ORDER BY c.relname, a.attnum`,
    [schema, tables],
  );
  const { rows: keys } = await client.query<{ table: string; key: string[] }>(
    `SELECT c.relname::text AS table, array_agg(a.attname::text ORDER BY k.ord) AS key
       FROM pg_catalog.pg_index i
       JOIN pg_catalog.pg_class c ON c.oid = i.indrelid
       JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
       CROSS JOIN LATERAL unnest(i.indkey::int2[]) WITH ORDINALITY AS k(attnum, ord)
       JOIN pg_catalog.pg_attribute a ON a.attrelid = c.oid AND a.attnum = k.attnum
      WHERE i.indisprimary AND n.nspname = $1 AND c.relname = ANY($2::text[])
      GROUP BY c.relname`,
    [schema, tables],
  );
  return tables.map((name) => ({
    name,
    columns: columns.filter((c) => c.table === name).map(({ table: _table, ...column }) => column),
    primaryKey: keys.find((k) => k.table === name)?.key ?? [],
  }));
}

/** The columns an archive carries for a table: all but tenant_id and generated ones, in table order. */
export function exportedColumns(shape: TableShape): string[] {
  return shape.columns.filter((c) => c.name !== TENANT_COLUMN && !c.generated).map((c) => c.name);
}

/** The row order of a table's entry: its primary key without tenant_id (a table without one: the whole row). */
export function exportedOrder(shape: TableShape): string[] {
  return shape.primaryKey.filter((c) => c !== TENANT_COLUMN);
}

/** COPY of the tenant's rows of one table, as the format writes them. */
export function copyOutSql(schema: string, shape: TableShape, tenantId: string): string {
  const columns = exportedColumns(shape).map(quoteIdent).join(', ');
  const key = exportedOrder(shape);
  const collatable = new Set(shape.columns.filter((c) => c.collatable).map((c) => c.name));
  const order = key.length
    ? key.map((c) => `t.${quoteIdent(c)}${collatable.has(c) ? ' COLLATE "C"' : ''}`).join(', ')
    : 't::text COLLATE "C"';
  return (
    `COPY (SELECT ${columns} FROM ${qualified(schema, shape.name)} t ` +
    `WHERE t.tenant_id = ${tenantLiteral(tenantId)} ORDER BY ${order}) TO STDOUT`
  );
}

/** COPY into a table by column name; tenant_id is left to its default, the transaction's tenant context. */
export function copyInSql(schema: string, table: string, columns: readonly string[]): string {
  return `COPY ${qualified(schema, table)} (${columns.map(quoteIdent).join(', ')}) FROM STDIN`;
}

export async function countTenantRows(
  client: ClientBase,
  schema: string,
  table: string,
  tenantId: string,
): Promise<number> {
  const { rows } = await client.query<{ n: string }>(
    `SELECT count(*)::text AS n FROM ${qualified(schema, table)} WHERE tenant_id = $1`,
    [tenantId],
  );
  return Number(rows[0]?.n ?? 0);
}

/** Removes the tenant's rows of one table (a replace, in its load transaction); returns how many. */
export async function deleteTenantRows(
  client: ClientBase,
  schema: string,
  table: string,
  tenantId: string,
): Promise<number> {
  const { rowCount } = await client.query(`DELETE FROM ${qualified(schema, table)} WHERE tenant_id = $1`, [tenantId]);
  return rowCount ?? 0;
}

/** Fresh planner statistics after a load: a million new rows otherwise look like none until autovacuum. */
export async function analyzeTable(client: ClientBase, schema: string, table: string): Promise<void> {
  await client.query(`ANALYZE ${qualified(schema, table)}`);
}
