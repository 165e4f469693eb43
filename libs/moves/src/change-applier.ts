import type { ClientBase } from 'pg';
import type { CapturedChange } from './capture.sql';
import { qualified, tableColumns } from './table-columns';

/**
 * Applies captured changes to the target idempotently: the last change per row wins, deletes go
 * children-first, upserts parents-first (so composite foreign keys hold), all keyed by the primary key
 * (tenant_id, id) every tenant table has (I3). Re-applying a batch changes nothing.
 */
export async function applyChanges(
  target: ClientBase,
  schema: string,
  tables: readonly string[],
  changes: CapturedChange[],
): Promise<void> {
  const last = new Map<string, CapturedChange>();
  for (const change of changes)
    last.set(`${change.tableName}|${String(change.row.tenant_id)}|${String(change.row.id)}`, change);
  const byTable = (op: 'U' | 'D', table: string) =>
    [...last.values()].filter((c) => c.op === op && c.tableName === table).map((c) => c.row);

  for (const table of [...tables].reverse()) {
    const rows = byTable('D', table);
    if (!rows.length) continue;
    await target.query(
      `DELETE FROM ${qualified(schema, table)} t USING jsonb_to_recordset($1::jsonb) AS d(tenant_id uuid, id uuid)
        WHERE t.tenant_id = d.tenant_id AND t.id = d.id`,
      [JSON.stringify(rows)],
    );
  }
  for (const table of tables) {
    const rows = byTable('U', table);
    if (!rows.length) continue;
    const columns = await tableColumns(target, schema, table);
    const list = columns.join(', ');
    await target.query(
      `INSERT INTO ${qualified(schema, table)} (${list})
         SELECT ${list} FROM jsonb_populate_recordset(NULL::${qualified(schema, table)}, $1::jsonb)
       ON CONFLICT (tenant_id, id) DO UPDATE SET (${list}) = ROW(${columns.map((c) => `EXCLUDED.${c}`).join(', ')})`,
      [JSON.stringify(rows)],
    );
  }
}
