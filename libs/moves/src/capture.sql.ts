import { inTransaction, lowerReadFence, quoteIdent, raiseReadFence } from '@switchyard/postgres';
import type { ClientBase } from 'pg';

/**
 * Change capture and fencing at a move's source, built from triggers (see README for why not logical
 * replication). Every object lives in the source tables' own schema, so a tenant schema keeps
 * referring only to itself (I3); functions are SECURITY DEFINER with a pinned search_path and no
 * EXECUTE for anyone — triggers fire them, nobody calls them.
 */
const CHANGES = 'switchyard_move_changes';

/** The transaction-local setting that marks the owner's deletion of a moved tenant's old rows. */
export const FENCE_CLEANUP = 'switchyard.fence_cleanup';

function suffix(id: string): string {
  return id.replace(/-/g, '');
}

export async function installCapture(
  client: ClientBase,
  schema: string,
  tables: readonly string[],
  tenantId: string,
  moveId: string,
): Promise<void> {
  const s = quoteIdent(schema);
  await client.query(`
    CREATE TABLE IF NOT EXISTS ${s}.${CHANGES} (
      move_id uuid NOT NULL,
      seq bigserial NOT NULL,
      table_name text NOT NULL,
      op "char" NOT NULL,
      row_data jsonb NOT NULL,
      PRIMARY KEY (move_id, seq)
    );
    ALTER TABLE ${s}.${CHANGES} ENABLE ROW LEVEL SECURITY;
    REVOKE ALL ON ${s}.${CHANGES} FROM PUBLIC;
    CREATE OR REPLACE FUNCTION ${s}.switchyard_capture() RETURNS trigger
      LANGUAGE plpgsql SECURITY DEFINER SET search_path = ${s}, pg_catalog AS $fn$
    BEGIN
      IF TG_OP = 'DELETE' THEN
        INSERT INTO ${CHANGES} (move_id, table_name, op, row_data) VALUES (TG_ARGV[0]::uuid, TG_TABLE_NAME, 'D', to_jsonb(OLD));
      ELSE
        INSERT INTO ${CHANGES} (move_id, table_name, op, row_data) VALUES (TG_ARGV[0]::uuid, TG_TABLE_NAME, 'U', to_jsonb(NEW));
      END IF;
      RETURN NULL;
    END $fn$;
    REVOKE ALL ON FUNCTION ${s}.switchyard_capture() FROM PUBLIC;`);
  // The tenant and move ids are validated UUIDs: DDL cannot take parameters.
  for (const table of tables) {
    const name = (op: string) => quoteIdent(`sy_capture_${op}_${suffix(moveId)}`);
    await client.query(
      rowTriggers(
        `${s}.${quoteIdent(table)}`,
        `'${tenantId}'::uuid`,
        name,
        'AFTER',
        `${s}.switchyard_capture('${moveId}')`,
      ),
    );
  }
}

export async function removeCapture(
  client: ClientBase,
  schema: string,
  tables: readonly string[],
  moveId: string,
): Promise<void> {
  const s = quoteIdent(schema);
  const exists = await client.query('SELECT 1 FROM pg_namespace WHERE nspname = $1', [schema]);
  if (!exists.rowCount) return;
  for (const table of tables) {
    const t = `${s}.${quoteIdent(table)}`;
    for (const op of ['i', 'u', 'd'])
      await client.query(`DROP TRIGGER IF EXISTS ${quoteIdent(`sy_capture_${op}_${suffix(moveId)}`)} ON ${t}`);
  }
  // The queue exists once capture was installed; a rollback may come before that.
  const queue = await client.query<{ present: boolean }>('SELECT to_regclass($1) IS NOT NULL AS present', [
    `${s}.${CHANGES}`,
  ]);
  if (queue.rows[0]?.present) await client.query(`DELETE FROM ${s}.${CHANGES} WHERE move_id = $1`, [moveId]);
}

export interface CapturedChange {
  seq: string;
  tableName: string;
  op: 'U' | 'D';
  row: Record<string, unknown>;
}

export async function readChanges(
  client: ClientBase,
  schema: string,
  moveId: string,
  afterSeq: string,
  limit: number,
): Promise<CapturedChange[]> {
  // Ordered by the bigint column, not by its text rendering ('10' < '9').
  const { rows } = await client.query<{
    seq_text: string;
    table_name: string;
    op: 'U' | 'D';
    row_data: Record<string, unknown>;
  }>(
    `SELECT c.seq::text AS seq_text, c.table_name, c.op, c.row_data FROM ${quoteIdent(schema)}.${CHANGES} c
      WHERE c.move_id = $1 AND c.seq > $2::bigint ORDER BY c.seq LIMIT $3`,
    [moveId, afterSeq, limit],
  );
  return rows.map((r) => ({ seq: r.seq_text, tableName: r.table_name, op: r.op, row: r.row_data }));
}

/**
 * Waits for every transaction that has captured a change to end: they hold ROW EXCLUSIVE on the change
 * table, which SHARE mode waits for. After the fence is up no new one can start, so once this returns
 * the change table is complete.
 */
export async function drainWriters(client: ClientBase, schema: string): Promise<void> {
  await inTransaction(client, () => client.query(`LOCK TABLE ${quoteIdent(schema)}.${CHANGES} IN SHARE MODE`));
}

type Timing = 'BEFORE' | 'AFTER';

/**
 * Names the three row triggers (insert, update, delete) a tenant-scoped rule needs; `deleteRule` can
 * give the delete trigger its own timing and a condition under which it stays silent.
 */
function rowTriggers(
  t: string,
  tenant: string,
  name: (op: string) => string,
  timing: Timing,
  call: string,
  deleteRule?: { timing: Timing; unless: string },
): string {
  return `
    DROP TRIGGER IF EXISTS ${name('i')} ON ${t};
    DROP TRIGGER IF EXISTS ${name('u')} ON ${t};
    DROP TRIGGER IF EXISTS ${name('d')} ON ${t};
    CREATE TRIGGER ${name('i')} ${timing} INSERT ON ${t} FOR EACH ROW WHEN (NEW.tenant_id = ${tenant}) EXECUTE FUNCTION ${call};
    CREATE TRIGGER ${name('u')} ${timing} UPDATE ON ${t} FOR EACH ROW WHEN (OLD.tenant_id = ${tenant} OR NEW.tenant_id = ${tenant}) EXECUTE FUNCTION ${call};
    CREATE TRIGGER ${name('d')} ${deleteRule?.timing ?? timing} DELETE ON ${t} FOR EACH ROW WHEN (OLD.tenant_id = ${tenant}${deleteRule ? ` AND NOT (${deleteRule.unless})` : ''}) EXECUTE FUNCTION ${call};`;
}

const fenceName = (tenantId: string) => (op: string) => quoteIdent(`sy_fence_${op}_${suffix(tenantId)}`);

/**
 * The fence, in the caller's transaction: from its commit on, the tenant's context can no longer be set
 * at this location (the read fence, SQLSTATE SYF02), and any write of the tenant here fails with SYF01
 * — the write fence, which also stops a transaction that set its context before the read fence went up.
 * A router still holding the old placement is therefore neither answered nor able to commit here (I5);
 * TenantDb re-reads the placement and runs the work at the new location.
 */
export async function installFence(
  client: ClientBase,
  schema: string,
  tables: readonly string[],
  tenantId: string,
): Promise<void> {
  const s = quoteIdent(schema);
  // The one write the fence lets through: the owner deleting the tenant's old rows here (cleanup),
  // marked by a transaction-local setting. Checked in the trigger's WHEN, so that deletion needs no
  // DDL on the table (which would block every other tenant's writes in a shared cell while it runs).
  // The delete trigger is AFTER: a BEFORE row trigger re-fetches and locks every row before its WHEN
  // is even evaluated, which tripled the cost of deleting a large tenant; raising after the row is
  // deleted aborts the statement just the same, so nothing commits.
  const { rows } = await client.query<{ oid: string }>(
    'SELECT oid::text AS oid FROM pg_roles WHERE rolname = current_user',
  );
  const owner = rows[0]?.oid;
  if (!owner || !/^\d+$/.test(owner)) throw new Error('cannot resolve the owner role');
  // coalesce: an unset setting is NULL, and NOT (NULL AND …) would silence the fence.
  const cleanup = `coalesce(current_setting('${FENCE_CLEANUP}', true), '') = '${tenantId}' AND pg_has_role(current_user, ${owner}::oid, 'MEMBER')`;
  await client.query(`
    CREATE OR REPLACE FUNCTION ${s}.switchyard_fence() RETURNS trigger
      LANGUAGE plpgsql SET search_path = ${s}, pg_catalog AS $fn$
    BEGIN
      RAISE EXCEPTION 'tenant % has moved: this location no longer accepts its writes', TG_ARGV[0] USING ERRCODE = 'SYF01';
    END $fn$;
    REVOKE ALL ON FUNCTION ${s}.switchyard_fence() FROM PUBLIC;`);
  for (const table of tables) {
    await client.query(
      rowTriggers(
        `${s}.${quoteIdent(table)}`,
        `'${tenantId}'::uuid`,
        fenceName(tenantId),
        'BEFORE',
        `${s}.switchyard_fence('${tenantId}')`,
        { timing: 'AFTER', unless: cleanup },
      ),
    );
  }
  // Last, so that its time is (within microseconds) the commit's: readers older than it are waited for.
  await raiseReadFence(client, tenantId, schema);
}

/**
 * The tenant's fence at this schema: none, one that lets the owner's cleanup delete through (see
 * installFence), or an older one that does not.
 */
export async function fenceState(
  client: ClientBase,
  schema: string,
  tenantId: string,
): Promise<'none' | 'allows-cleanup' | 'legacy'> {
  const { rows } = await client.query<{ def: string }>(
    `SELECT pg_get_triggerdef(t.oid) AS def FROM pg_trigger t JOIN pg_class c ON c.oid = t.tgrelid JOIN pg_namespace n ON n.oid = c.relnamespace
      WHERE n.nspname = $1 AND t.tgname = $2`,
    [schema, `sy_fence_d_${suffix(tenantId)}`],
  );
  if (!rows.length) return 'none';
  return rows.every((r) => r.def.includes(FENCE_CLEANUP)) ? 'allows-cleanup' : 'legacy';
}

/** Lifts both fences of the tenant here (a cutover that is rolled back). */
export async function removeFence(
  client: ClientBase,
  schema: string,
  tables: readonly string[],
  tenantId: string,
): Promise<void> {
  await removeWriteFence(client, schema, tables, tenantId);
  await lowerReadFence(client, tenantId, schema);
}

/**
 * Lifts only the write fence: a move coming back here copies the tenant's rows in through it, while the
 * read fence stays up until the cutover, so no stale router reads the copy before it is complete.
 */
export async function removeWriteFence(
  client: ClientBase,
  schema: string,
  tables: readonly string[],
  tenantId: string,
): Promise<void> {
  const exists = await client.query('SELECT 1 FROM pg_namespace WHERE nspname = $1', [schema]);
  if (!exists.rowCount) return;
  const s = quoteIdent(schema);
  for (const table of tables) {
    for (const op of ['i', 'u', 'd'])
      await client.query(`DROP TRIGGER IF EXISTS ${fenceName(tenantId)(op)} ON ${s}.${quoteIdent(table)}`);
  }
}
