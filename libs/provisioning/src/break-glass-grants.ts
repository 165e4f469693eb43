import type { Logger } from '@nestjs/common';
import { quoteIdent } from '@switchyard/postgres';
import type { ClientBase } from 'pg';

/**
 * The break-glass role (`<prefix>_breakglass`, see @switchyard/break-glass): it reads tenant tables for an
 * audited operator read and can do nothing else. NOLOGIN — nobody connects as it; the control plane
 * connects as the owner and does `SET LOCAL ROLE` to it inside a READ ONLY transaction — not a superuser,
 * no BYPASSRLS (RLS binds it like the application role), no CREATEDB/CREATEROLE/REPLICATION, INHERIT off
 * and a member of nothing. Re-asserted on every start, like the application role. When the owner is not a
 * superuser it is made a member of the role, which `SET ROLE` needs.
 */
export async function ensureBreakGlassRole(client: ClientBase, role: string, logger?: Logger): Promise<void> {
  const r = quoteIdent(role);
  const attributes = 'NOLOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOREPLICATION NOBYPASSRLS NOINHERIT PASSWORD NULL';
  const { rows } = await client.query<{ risky: boolean }>(
    'SELECT rolsuper OR rolbypassrls OR rolcreatedb OR rolcreaterole OR rolreplication OR rolcanlogin AS risky FROM pg_roles WHERE rolname = $1',
    [role],
  );
  if (rows[0]?.risky)
    logger?.error(`break-glass role ${role} had elevated attributes (LOGIN/superuser/BYPASSRLS/…); removing them`);
  if (rows.length) await client.query(`ALTER ROLE ${r} ${attributes}`);
  else {
    try {
      await client.query(`CREATE ROLE ${r} ${attributes}`);
    } catch (error) {
      // Another installation process created it first (roles are cluster-wide): narrow it all the same.
      if ((error as { code?: string }).code !== '42710') throw error;
      await client.query(`ALTER ROLE ${r} ${attributes}`);
    }
  }
  const { rows: owner } = await client.query<{ member: boolean; superuser: boolean }>(
    `SELECT pg_has_role(current_user, $1, 'MEMBER') AS member,
            (SELECT rolsuper FROM pg_roles WHERE rolname = current_user) AS superuser`,
    [role],
  );
  if (owner[0] && !owner[0].superuser && !owner[0].member) await client.query(`GRANT ${r} TO CURRENT_USER`);
}

/**
 * Lets the break-glass role read the tables of `schema` in the connected database, the way the application
 * role may write them: USAGE on the schema and SELECT on its tables now, and — as default privileges of the
 * owner in that schema — on every table a later tenant migration creates there (the migration runner
 * grants the application role after each migration; the break-glass role gets its SELECT from these
 * defaults). Nothing else: no write, no CREATE, no TEMPORARY, nothing on the ledger or the fence schema.
 * Idempotent, and it changes the catalog only for what is missing (one read on the usual path, so a start
 * never races a migration or a move for a table's catalog row). Run where tenant storage is installed or
 * provisioned.
 */
export async function grantBreakGlassRead(client: ClientBase, schema: string, role: string): Promise<void> {
  const { rows } = await client.query<{ usage: boolean; tables: string[]; defaults: boolean }>(
    `SELECT has_schema_privilege($2, n.oid, 'USAGE') AS usage,
            ARRAY(SELECT quote_ident(c.relname) FROM pg_class c
                   WHERE c.relnamespace = n.oid AND c.relkind IN ('r', 'p') AND NOT has_table_privilege($2, c.oid, 'SELECT')
                   ORDER BY 1) AS tables,
            EXISTS (SELECT 1 FROM pg_default_acl d, aclexplode(d.defaclacl) a
                     WHERE d.defaclrole = (SELECT oid FROM pg_roles WHERE rolname = current_user)
                       AND d.defaclnamespace = n.oid AND d.defaclobjtype = 'r'
                       AND a.grantee = to_regrole($2) AND a.privilege_type = 'SELECT') AS defaults
       FROM pg_namespace n WHERE n.nspname = $1`,
    [schema, role],
  );
  const state = rows[0];
  if (!state) return;
  const s = quoteIdent(schema);
  const r = quoteIdent(role);
  if (!state.usage) await client.query(`GRANT USAGE ON SCHEMA ${s} TO ${r}`);
  if (state.tables.length) {
    await client.query(`GRANT SELECT ON ${state.tables.map((t) => `${s}.${t}`).join(', ')} TO ${r}`);
  }
  if (!state.defaults) await client.query(`ALTER DEFAULT PRIVILEGES IN SCHEMA ${s} GRANT SELECT ON TABLES TO ${r}`);
}
