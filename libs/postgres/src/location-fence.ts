import type { ClientBase } from 'pg';
import { advisoryXactLock } from './advisory-locks';
import { quoteIdent } from './identifiers';
import { inTransaction } from './transaction';

/**
 * The read fence: a location (a schema of one database) a tenant has moved away from refuses the
 * tenant's context, so a router that still holds the old placement is answered neither rows nor
 * emptiness there, only SQLSTATE SYF02 — and then re-reads the placement (I5). The fence is a row in
 * this database's `switchyard_fence.fences`, checked by the tenant-context statement itself
 * (`TENANT_CONTEXT_SQL`) in the same round trip as the first statement of every checkout.
 *
 * The application role may read the fences (to be refused by them) and nothing else here; only the
 * owner raises and lowers them.
 */
export const READ_FENCE_SQLSTATE = 'SYF02';

const FENCE_SCHEMA = 'switchyard_fence';

/**
 * Sets the transaction-local tenant context (I4) — unless this location is fenced for the tenant, in
 * which case the statement fails with SYF02. $1 tenant id, $2 search_path (quoted), $3 schema name, $4 the
 * statement timeout of the tenant's tier (it applies from the next statement of the batch on), $5 the
 * tier's parallel workers per statement (NULL: the server's setting).
 * The CASE calls the raising function only when a fence row exists, so the common case costs one
 * primary-key probe of a table that is empty or nearly so.
 */
export const TENANT_CONTEXT_SQL =
  "SELECT set_config('switchyard.tenant_id', $1, true), set_config('search_path', $2, true), " +
  "set_config('statement_timeout', $4, true), set_config('max_parallel_workers_per_gather', $5, true), " +
  `CASE WHEN EXISTS (SELECT FROM ${FENCE_SCHEMA}.fences f WHERE f.tenant_id = $1::uuid AND f.schema_name = $3) ` +
  `THEN ${FENCE_SCHEMA}.refuse($1, $3) END`;

const CREATE_FENCE_SCHEMA = `
CREATE SCHEMA IF NOT EXISTS ${FENCE_SCHEMA};
REVOKE ALL ON SCHEMA ${FENCE_SCHEMA} FROM PUBLIC;
CREATE TABLE IF NOT EXISTS ${FENCE_SCHEMA}.fences (
  tenant_id uuid NOT NULL,
  schema_name text NOT NULL,
  fenced_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (tenant_id, schema_name)
);
REVOKE ALL ON ${FENCE_SCHEMA}.fences FROM PUBLIC;
CREATE OR REPLACE FUNCTION ${FENCE_SCHEMA}.refuse(tenant_id text, schema_name text) RETURNS boolean
  LANGUAGE plpgsql SET search_path = pg_catalog AS $fn$
BEGIN
  RAISE EXCEPTION 'tenant % has moved away from schema %: this location is fenced', tenant_id, schema_name
    USING ERRCODE = '${READ_FENCE_SQLSTATE}';
END $fn$;
REVOKE ALL ON FUNCTION ${FENCE_SCHEMA}.refuse(text, text) FROM PUBLIC;`;

/**
 * Creates the fence schema in the connected database (if missing) and lets `appRole` use it. Run on
 * every database the application role reads tenants from: shared cells and templates (tenant databases
 * are cloned from those) at installation, and any target `switchyard migrate` touches.
 */
export async function ensureFenceSchema(client: ClientBase, appRole: string): Promise<void> {
  const role = quoteIdent(appRole);
  // Function-call forms that answer NULL (not an error) for a missing role or table.
  const { rows } = await client.query<{ present: boolean; granted: boolean }>(
    `SELECT to_regprocedure('${FENCE_SCHEMA}.refuse(text,text)') IS NOT NULL AS present,
            coalesce(has_table_privilege(to_regrole($1), to_regclass('${FENCE_SCHEMA}.fences'), 'SELECT'), false) AS granted`,
    [appRole],
  );
  if (rows[0]?.present && rows[0].granted) return;
  // Serialised: concurrent CREATE … IF NOT EXISTS and CREATE OR REPLACE FUNCTION can still collide.
  await inTransaction(client, async () => {
    await advisoryXactLock(client, 'fenceSchema', FENCE_SCHEMA);
    await client.query(CREATE_FENCE_SCHEMA);
    await client.query(
      `GRANT USAGE ON SCHEMA ${FENCE_SCHEMA} TO ${role};
       GRANT SELECT ON ${FENCE_SCHEMA}.fences TO ${role};
       GRANT EXECUTE ON FUNCTION ${FENCE_SCHEMA}.refuse(text, text) TO ${role};`,
    );
  });
}

/**
 * Fences `schema` of the connected database against the tenant (idempotent; in the caller's
 * transaction). `fenced_at` is the clock at this statement, so a caller that raises the fence last in
 * its transaction records (within microseconds) the moment from which no new reader gets in.
 */
export async function raiseReadFence(client: ClientBase, tenantId: string, schema: string): Promise<void> {
  await client.query(
    `INSERT INTO ${FENCE_SCHEMA}.fences (tenant_id, schema_name, fenced_at) VALUES ($1, $2, clock_timestamp())
     ON CONFLICT (tenant_id, schema_name) DO UPDATE SET fenced_at = excluded.fenced_at`,
    [tenantId, schema],
  );
}

/**
 * Transactions in the connected database that began before the tenant's fence here went up (plus a
 * second's margin for the fence's own commit): the only ones that may have set the tenant's context at
 * this location and may still read it. Zero when there is no fence.
 */
export async function readersOlderThanFence(client: ClientBase, tenantId: string, schema: string): Promise<number> {
  const { rows } = await client.query<{ n: number }>(
    `SELECT count(*)::int AS n
       FROM pg_catalog.pg_stat_activity a, ${FENCE_SCHEMA}.fences f
      WHERE f.tenant_id = $1 AND f.schema_name = $2
        AND a.datname = current_database() AND a.pid <> pg_backend_pid() AND a.backend_type = 'client backend'
        AND a.xact_start < f.fenced_at + interval '1 second'`,
    [tenantId, schema],
  );
  return rows[0]?.n ?? 0;
}

/** Lets the tenant's context be set at `schema` of the connected database again (the tenant lives here). */
export async function lowerReadFence(client: ClientBase, tenantId: string, schema: string): Promise<void> {
  await client.query(`DELETE FROM ${FENCE_SCHEMA}.fences WHERE tenant_id = $1 AND schema_name = $2`, [
    tenantId,
    schema,
  ]);
}

/** Whether `schema` of the connected database is fenced against the tenant. */
export async function hasReadFence(client: ClientBase, tenantId: string, schema: string): Promise<boolean> {
  const { rowCount } = await client.query(
    `SELECT 1 FROM ${FENCE_SCHEMA}.fences WHERE tenant_id = $1 AND schema_name = $2`,
    [tenantId, schema],
  );
  return (rowCount ?? 0) > 0;
}

export const READ_FENCE_SCHEMA = FENCE_SCHEMA;
