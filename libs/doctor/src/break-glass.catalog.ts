import type { PoolClient } from 'pg';
import type { BreakGlassServerCatalog, PrivilegeRow } from './catalog.types';

/*
 * The catalog of the break-glass role (`<prefix>_breakglass`, @switchyard/break-glass). Its name is the
 * only parameter ($1); `to_regrole` makes every privilege function NULL (no row) when it does not exist.
 */
const BG = 'bg AS (SELECT to_regrole($1) AS oid)';

const ROLE_SQL = `SELECT rolsuper AS superuser, rolbypassrls AS "bypassRls", rolcreatedb AS "createDb",
       rolcreaterole AS "createRole", rolreplication AS replication, rolcanlogin AS login
  FROM pg_roles WHERE rolname = $1`;

const MEMBERSHIPS_SQL = `SELECT r.rolname AS name FROM pg_auth_members m JOIN pg_roles r ON r.oid = m.roleid
 WHERE m.member = to_regrole($1) ORDER BY 1`;

const DATABASE_GRANTS_SQL = `WITH ${BG}
SELECT format('database %I', d.datname) AS object, ARRAY['CREATE'] AS privileges
  FROM pg_database d, bg WHERE has_database_privilege(bg.oid, d.oid, 'CREATE')
 ORDER BY 1`;

/** Anything it may change in a tenant-data database: a table (any schema, the ledger and fences too) or a schema. */
const WRITES_SQL = `WITH ${BG}, grants AS (
SELECT format('%I.%I', n.nspname, c.relname) AS object,
       ARRAY(SELECT p FROM unnest(ARRAY['INSERT', 'UPDATE', 'DELETE', 'TRUNCATE', 'REFERENCES', 'TRIGGER']) p
              WHERE has_table_privilege(bg.oid, c.oid, p)) AS privileges
  FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace, bg
 WHERE c.relkind IN ('r', 'p', 'v', 'm', 'f') AND n.nspname !~ '^pg_' AND n.nspname <> 'information_schema'
UNION ALL
SELECT format('schema %I', n.nspname), ARRAY['CREATE']
  FROM pg_namespace n, bg
 WHERE n.nspname !~ '^pg_(toast_)?temp_' AND has_schema_privilege(bg.oid, n.oid, 'CREATE'))
SELECT object, privileges FROM grants WHERE cardinality(privileges) > 0 ORDER BY 1`;

export async function readBreakGlassServer(client: PoolClient, role: string): Promise<BreakGlassServerCatalog> {
  return {
    role: (await client.query<NonNullable<BreakGlassServerCatalog['role']>>(ROLE_SQL, [role])).rows[0] ?? null,
    memberships: (await client.query<{ name: string }>(MEMBERSHIPS_SQL, [role])).rows.map((r) => r.name),
    databaseGrants: (await client.query<PrivilegeRow>(DATABASE_GRANTS_SQL, [role])).rows,
  };
}

export async function readBreakGlassWrites(client: PoolClient, role: string): Promise<PrivilegeRow[]> {
  return (await client.query<PrivilegeRow>(WRITES_SQL, [role])).rows;
}
