import { Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { singleRow } from '@switchyard/postgres';
import type { ClientBase } from 'pg';
import { from as copyFrom, to as copyTo } from 'pg-copy-streams';
import { qualified, tableColumns } from './table-columns';

export interface CopyProgress {
  (rowsCopiedSoFar: number): void;
}

/** Counts rows going through a COPY text stream (one row per line; newlines in data are escaped). */
function rowCounter(onRows: (n: number) => void): Transform {
  return new Transform({
    transform(chunk: Buffer, _encoding, done) {
      let rows = 0;
      for (let i = chunk.indexOf(10); i !== -1; i = chunk.indexOf(10, i + 1)) rows++;
      onRows(rows);
      done(null, chunk);
    },
  });
}

/**
 * Streams one tenant's rows, table by table in foreign-key order, from a source snapshot into the
 * target with COPY on both sides: bounded memory whatever the tenant's size. The caller owns the
 * transactions (a REPEATABLE READ snapshot at the source, one transaction at the target) and stops a
 * copy by cancelling the backends' statements, which leaves both connections usable.
 */
export async function copyTenantRows(
  source: ClientBase,
  target: ClientBase,
  from: { schema: string },
  to: { schema: string },
  tables: readonly string[],
  tenantId: string,
  onProgress: CopyProgress,
): Promise<number> {
  let copied = 0;
  for (const table of tables) {
    const columns = (await tableColumns(target, to.schema, table)).join(', ');
    // COPY cannot take parameters; the tenant id is a validated UUID.
    const out = source.query(
      copyTo(
        `COPY (SELECT ${columns} FROM ${qualified(from.schema, table)} WHERE tenant_id = '${tenantId}') TO STDOUT`,
      ),
    );
    const into = target.query(copyFrom(`COPY ${qualified(to.schema, table)} (${columns}) FROM STDIN`));
    await pipeline(
      out,
      rowCounter((n) => {
        copied += n;
        onProgress(copied);
      }),
      into,
    );
  }
  return copied;
}

/**
 * Refreshes the planner statistics of freshly copied tables: without them the planner takes a table
 * of a million rows for an empty one (until autovacuum gets round to it) and the tenant's first
 * queries at the new location — and the move's own row checks — pick sequential scans.
 */
export async function analyzeTables(client: ClientBase, schema: string, tables: readonly string[]): Promise<void> {
  for (const table of tables) await client.query(`ANALYZE ${qualified(schema, table)}`);
}

/** Rows of the tenant per table at the source, in the caller's snapshot. */
export async function countTenantRows(
  client: ClientBase,
  schema: string,
  tables: readonly string[],
  tenantId: string,
): Promise<number> {
  let total = 0;
  for (const table of tables) {
    const { rows } = await client.query<{ n: string }>(
      `SELECT count(*) AS n FROM ${qualified(schema, table)} WHERE tenant_id = $1`,
      [tenantId],
    );
    total += Number(singleRow(rows, `count of ${table}`).n);
  }
  return total;
}
