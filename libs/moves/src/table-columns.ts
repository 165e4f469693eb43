import { quoteIdent } from '@switchyard/postgres';
import type { ClientBase } from 'pg';

/** A tenant table's columns in table order, quoted, as the catalog of `schema` has them. */
export async function tableColumns(client: ClientBase, schema: string, table: string): Promise<string[]> {
  const { rows } = await client.query<{ name: string }>(
    `SELECT a.attname AS name FROM pg_attribute a
       JOIN pg_class c ON c.oid = a.attrelid JOIN pg_namespace n ON n.oid = c.relnamespace
      WHERE n.nspname = $1 AND c.relname = $2 AND a.attnum > 0 AND NOT a.attisdropped
      ORDER BY a.attnum`,
    [schema, table],
  );
  if (rows.length === 0) throw new Error(`table ${schema}.${table} not found`);
  return rows.map((r) => quoteIdent(r.name));
}

export const qualified = (schema: string, table: string): string => `${quoteIdent(schema)}.${quoteIdent(table)}`;
