import { Injectable } from '@nestjs/common';
import { inTransaction, OwnerPools } from '@switchyard/postgres';
import type { PoolClient } from 'pg';
import { readBreakGlassServer, readBreakGlassWrites } from './break-glass.catalog';
import type {
  AppRoleAttributes,
  DatabaseCatalog,
  DatabasePurpose,
  DatabaseRow,
  FenceRow,
  OwnedObjectRow,
  PolicyRow,
  PrivilegeRow,
  SchemaReferenceRow,
  SchemaRow,
  SecurityDefinerRow,
  ServerCatalog,
  TenantTableRow,
  UnsafeViewRow,
} from './catalog.types';

/*
 * Every query takes the application role's name as $1 and nothing else: no identifier is pasted into
 * SQL. `app.oid` is NULL when the role does not exist, and every has_*_privilege / pg_has_role of NULL
 * is NULL, so such a database simply yields no privilege rows (the missing role is reported per server).
 * Queries run with search_path = pg_catalog, so every name they print is schema-qualified.
 */
const APP = 'app AS (SELECT to_regrole($1) AS oid)';

/** User schemas: neither PostgreSQL's own nor the runner's ledger. */
const USER_SCHEMA =
  "n.nspname !~ '^pg_' AND n.nspname NOT IN ('information_schema', 'switchyard_meta', 'switchyard_fence')";

const SCHEMAS_SQL = `WITH ${APP}
SELECT n.nspname AS name, coalesce(has_schema_privilege(app.oid, n.oid, 'CREATE'), false) AS "appCreate"
  FROM pg_namespace n, app
 WHERE n.nspname !~ '^pg_(toast_)?temp_'
 ORDER BY 1`;

const TENANT_TABLE = `c.relkind IN ('r', 'p') AND ${USER_SCHEMA}
  AND EXISTS (SELECT 1 FROM pg_attribute a WHERE a.attrelid = c.oid AND a.attname = 'tenant_id' AND a.attnum > 0 AND NOT a.attisdropped)`;

const TENANT_TABLES_SQL = `WITH ${APP}
SELECT n.nspname AS schema, c.relname AS "table", c.relrowsecurity AS "rlsEnabled", c.relforcerowsecurity AS "rlsForced",
       coalesce((SELECT array_agg(DISTINCT acl.privilege_type ORDER BY acl.privilege_type) FROM aclexplode(c.relacl) acl
                  WHERE (acl.grantee = app.oid OR acl.grantee = 0)
                    AND acl.privilege_type NOT IN ('SELECT', 'INSERT', 'UPDATE', 'DELETE')), '{}') AS "extraPrivileges"
  FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace, app
 WHERE ${TENANT_TABLE}
 ORDER BY 1, 2`;

const POLICIES_SQL = `WITH ${APP}
SELECT n.nspname AS schema, c.relname AS "table", p.polname AS name, p.polcmd AS command, p.polpermissive AS permissive,
       EXISTS (SELECT 1 FROM unnest(p.polroles) r WHERE r = 0 OR pg_has_role(app.oid, r, 'USAGE')) AS "appliesToApp",
       pg_get_expr(p.polqual, p.polrelid) AS using, pg_get_expr(p.polwithcheck, p.polrelid) AS "check"
  FROM pg_policy p JOIN pg_class c ON c.oid = p.polrelid JOIN pg_namespace n ON n.oid = c.relnamespace, app
 WHERE ${TENANT_TABLE}
 ORDER BY 1, 2, 3`;

const OWNED_SQL = `WITH ${APP}
SELECT 'schema' AS kind, n.nspname AS schema, n.nspname AS name FROM pg_namespace n, app WHERE n.nspowner = app.oid
UNION ALL
SELECT CASE c.relkind WHEN 'r' THEN 'table' WHEN 'p' THEN 'table' WHEN 'v' THEN 'view' WHEN 'm' THEN 'materialized view'
                      WHEN 'S' THEN 'sequence' WHEN 'f' THEN 'foreign table' WHEN 'c' THEN 'type' ELSE 'relation' END,
       n.nspname, c.relname
  FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace, app
 WHERE c.relowner = app.oid AND c.relkind NOT IN ('i', 'I', 't') AND n.nspname !~ '^pg_(toast_)?temp_'
UNION ALL
SELECT CASE p.prokind WHEN 'p' THEN 'procedure' WHEN 'a' THEN 'aggregate' ELSE 'function' END,
       n.nspname, p.proname || '(' || pg_get_function_identity_arguments(p.oid) || ')'
  FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace, app
 WHERE p.proowner = app.oid
UNION ALL
SELECT 'type', n.nspname, t.typname
  FROM pg_type t JOIN pg_namespace n ON n.oid = t.typnamespace, app
 WHERE t.typowner = app.oid AND t.typrelid = 0 AND NOT EXISTS (SELECT 1 FROM pg_type b WHERE b.typarray = t.oid)
   AND n.nspname !~ '^pg_(toast_)?temp_'
 ORDER BY 2, 3`;

const META_PRIVILEGES_SQL = `WITH ${APP}, grants AS (
SELECT 'schema switchyard_meta' AS object,
       array_remove(ARRAY[CASE WHEN has_schema_privilege(app.oid, n.oid, 'USAGE') THEN 'USAGE' END,
                          CASE WHEN has_schema_privilege(app.oid, n.oid, 'CREATE') THEN 'CREATE' END], NULL) AS privileges
  FROM pg_namespace n, app WHERE n.nspname = 'switchyard_meta'
UNION ALL
SELECT format('%I.%I', n.nspname, c.relname),
       ARRAY(SELECT p FROM unnest(ARRAY['SELECT', 'INSERT', 'UPDATE', 'DELETE', 'TRUNCATE', 'REFERENCES', 'TRIGGER']) p
              WHERE has_table_privilege(app.oid, c.oid, p))
  FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace, app
 WHERE n.nspname = 'switchyard_meta' AND c.relkind IN ('r', 'p', 'v', 'm', 'f'))
SELECT object, privileges FROM grants WHERE cardinality(privileges) > 0 ORDER BY 1`;

/** Every *_privilege function is strict: a missing schema, table or function yields NULL, not an error. */
const FENCE_SQL = `WITH ${APP}, fence AS (
  SELECT (SELECT oid FROM pg_namespace WHERE nspname = 'switchyard_fence') AS nsp,
         to_regclass('switchyard_fence.fences') AS tbl, to_regprocedure('switchyard_fence.refuse(text,text)') AS fn
)
SELECT f.tbl IS NOT NULL AND f.fn IS NOT NULL AS present,
       coalesce(has_schema_privilege(app.oid, f.nsp, 'USAGE') AND has_table_privilege(app.oid, f.tbl, 'SELECT')
                AND has_function_privilege(app.oid, f.fn, 'EXECUTE'), false) AS "appCanRead",
       ARRAY(SELECT p FROM unnest(ARRAY['INSERT', 'UPDATE', 'DELETE', 'TRUNCATE']) p WHERE has_table_privilege(app.oid, f.tbl, p)) AS "appWrites"
  FROM fence f, app`;

const CONTROL_PLANE_WRITES_SQL = `WITH ${APP}, grants AS (
SELECT format('%I.%I', n.nspname, c.relname) AS object,
       ARRAY(SELECT p FROM unnest(ARRAY['INSERT', 'UPDATE', 'DELETE', 'TRUNCATE', 'REFERENCES', 'TRIGGER']) p
              WHERE has_table_privilege(app.oid, c.oid, p)) AS privileges
  FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace, app
 WHERE c.relkind IN ('r', 'p', 'v', 'm', 'f') AND ${USER_SCHEMA})
SELECT object, privileges FROM grants WHERE cardinality(privileges) > 0 ORDER BY 1`;

const SECURITY_DEFINERS_SQL = `WITH ${APP}
SELECT n.nspname AS schema, format('%I.%I(%s)', n.nspname, p.proname, pg_get_function_identity_arguments(p.oid)) AS signature
  FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace, app
 WHERE p.prosecdef AND ${USER_SCHEMA}
   AND has_function_privilege(app.oid, p.oid, 'EXECUTE') AND has_schema_privilege(app.oid, n.oid, 'USAGE')
 ORDER BY 1, 2`;

/** Views run with their owner's rights (and so past RLS) unless security_invoker is on; a materialized view always does. */
const UNSAFE_VIEWS_SQL = `WITH ${APP}
SELECT n.nspname AS schema, c.relname AS name, c.relkind = 'm' AS materialized
  FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace, app
 WHERE c.relkind IN ('v', 'm') AND ${USER_SCHEMA}
   AND has_any_column_privilege(app.oid, c.oid, 'SELECT') AND has_schema_privilege(app.oid, n.oid, 'USAGE')
   AND NOT (c.relkind = 'v' AND EXISTS (SELECT 1 FROM unnest(c.reloptions) o
             WHERE lower(o) IN ('security_invoker=true', 'security_invoker=on', 'security_invoker=yes', 'security_invoker=1')))
 ORDER BY 1, 2`;

/**
 * Dependencies (pg_depend) of objects inside tenant schemas (t_<32 hex>) on objects of another
 * non-system schema: foreign keys, view rules, column defaults, SQL-standard function bodies, column
 * types, policies, triggers. (PL/pgSQL bodies record no dependencies; PostgreSQL cannot see into them.)
 */
const SCHEMA_REFERENCES_SQL = `WITH tenant_schemas AS (
  SELECT oid, nspname FROM pg_namespace WHERE nspname ~ '^t_[0-9a-f]{32}$'
), deps AS (
  SELECT d.*, CASE d.classid
           WHEN 'pg_class'::regclass THEN (SELECT relnamespace FROM pg_class WHERE oid = d.objid)
           WHEN 'pg_rewrite'::regclass THEN (SELECT c.relnamespace FROM pg_rewrite r JOIN pg_class c ON c.oid = r.ev_class WHERE r.oid = d.objid)
           WHEN 'pg_proc'::regclass THEN (SELECT pronamespace FROM pg_proc WHERE oid = d.objid)
           WHEN 'pg_attrdef'::regclass THEN (SELECT c.relnamespace FROM pg_attrdef a JOIN pg_class c ON c.oid = a.adrelid WHERE a.oid = d.objid)
           WHEN 'pg_constraint'::regclass THEN (SELECT connamespace FROM pg_constraint WHERE oid = d.objid)
           WHEN 'pg_trigger'::regclass THEN (SELECT c.relnamespace FROM pg_trigger t JOIN pg_class c ON c.oid = t.tgrelid WHERE t.oid = d.objid)
           WHEN 'pg_policy'::regclass THEN (SELECT c.relnamespace FROM pg_policy p JOIN pg_class c ON c.oid = p.polrelid WHERE p.oid = d.objid)
           WHEN 'pg_type'::regclass THEN (SELECT typnamespace FROM pg_type WHERE oid = d.objid)
         END AS nsp
    FROM pg_depend d WHERE d.deptype IN ('n', 'a')
), tenant_deps AS (
  SELECT deps.*, s.nspname, CASE deps.refclassid
           WHEN 'pg_namespace'::regclass THEN deps.refobjid
           WHEN 'pg_class'::regclass THEN (SELECT relnamespace FROM pg_class WHERE oid = deps.refobjid)
           WHEN 'pg_proc'::regclass THEN (SELECT pronamespace FROM pg_proc WHERE oid = deps.refobjid)
           WHEN 'pg_type'::regclass THEN (SELECT typnamespace FROM pg_type WHERE oid = deps.refobjid)
           WHEN 'pg_collation'::regclass THEN (SELECT collnamespace FROM pg_collation WHERE oid = deps.refobjid)
           WHEN 'pg_operator'::regclass THEN (SELECT oprnamespace FROM pg_operator WHERE oid = deps.refobjid)
           ELSE (SELECT oid FROM pg_namespace WHERE nspname = (pg_identify_object(deps.refclassid, deps.refobjid, 0)).schema)
         END AS refnsp
    FROM deps JOIN tenant_schemas s ON s.oid = deps.nsp
)
SELECT d.nspname AS schema, pg_describe_object(d.classid, d.objid, d.objsubid) AS dependent,
       bool_or(d.classid = 'pg_constraint'::regclass AND EXISTS (SELECT 1 FROM pg_constraint c WHERE c.oid = d.objid AND c.contype = 'f')) AS "foreignKey",
       string_agg(DISTINCT pg_describe_object(d.refclassid, d.refobjid, 0), ', ') AS referenced
  FROM tenant_deps d JOIN pg_namespace r ON r.oid = d.refnsp
 WHERE r.oid <> d.nsp AND r.nspname !~ '^pg_' AND r.nspname <> 'information_schema'
 GROUP BY 1, 2
 ORDER BY 1, 2`;

const ROLE_SQL = `SELECT rolsuper AS superuser, rolbypassrls AS "bypassRls", rolcreatedb AS "createDb",
       rolcreaterole AS "createRole", rolreplication AS replication
  FROM pg_roles WHERE rolname = $1`;

const MEMBERSHIPS_SQL = `SELECT r.rolname AS name FROM pg_auth_members m JOIN pg_roles r ON r.oid = m.roleid
 WHERE m.member = to_regrole($1) ORDER BY 1`;

const DATABASES_SQL = `WITH ${APP}
SELECT d.datname AS name, coalesce(d.datdba = app.oid, false) AS "ownedByApp",
       coalesce(has_database_privilege(app.oid, d.oid, 'CREATE'), false) AS "appCreate",
       EXISTS (SELECT 1 FROM aclexplode(d.datacl) acl WHERE acl.grantee = app.oid) AS "grantsApp"
  FROM pg_database d, app
 ORDER BY 1`;

/**
 * Reads the catalogs the doctor judges, on pooled owner connections, each database in one read-only
 * snapshot. Only reads: the doctor reports, it never repairs.
 */
@Injectable()
export class CatalogRepository {
  constructor(private readonly pools: OwnerPools) {}

  /** Cluster-wide facts of one server, through its maintenance database: the role and the databases. */
  async readServer(maintenanceUrl: string, appRole: string, breakGlassRole?: string): Promise<ServerCatalog> {
    return this.readOnly(maintenanceUrl, async (client) => {
      const role = (await client.query<AppRoleAttributes>(ROLE_SQL, [appRole])).rows[0] ?? null;
      const memberships = (await client.query<{ name: string }>(MEMBERSHIPS_SQL, [appRole])).rows.map((r) => r.name);
      const databases = (await client.query<DatabaseRow>(DATABASES_SQL, [appRole])).rows;
      const breakGlass = breakGlassRole ? await readBreakGlassServer(client, breakGlassRole) : undefined;
      return { role, memberships, databases, ...(breakGlass ? { breakGlass } : {}) };
    });
  }

  async readDatabase(
    url: string,
    appRole: string,
    purpose: DatabasePurpose,
    breakGlassRole?: string,
  ): Promise<DatabaseCatalog> {
    return this.readOnly(url, async (client) => {
      const rows = async <R extends object>(sql: string) => (await client.query<R>(sql, [appRole])).rows;
      const tenantData = purpose === 'tenant-data';
      return {
        schemas: await rows<SchemaRow>(SCHEMAS_SQL),
        owned: await rows<OwnedObjectRow>(OWNED_SQL),
        metaPrivileges: await rows<PrivilegeRow>(META_PRIVILEGES_SQL),
        securityDefiners: await rows<SecurityDefinerRow>(SECURITY_DEFINERS_SQL),
        unsafeViews: await rows<UnsafeViewRow>(UNSAFE_VIEWS_SQL),
        tenantTables: tenantData ? await rows<TenantTableRow>(TENANT_TABLES_SQL) : [],
        policies: tenantData ? await rows<PolicyRow>(POLICIES_SQL) : [],
        schemaReferences: tenantData ? (await client.query<SchemaReferenceRow>(SCHEMA_REFERENCES_SQL)).rows : [],
        fence: tenantData ? ((await rows<FenceRow>(FENCE_SQL))[0] ?? null) : null,
        controlPlaneWrites: tenantData ? [] : await rows<PrivilegeRow>(CONTROL_PLANE_WRITES_SQL),
        ...(tenantData && breakGlassRole
          ? { breakGlassWrites: await readBreakGlassWrites(client, breakGlassRole) }
          : {}),
      };
    });
  }

  /** Closes the pool of a database nobody may stay connected to (a template). */
  async release(url: string): Promise<void> {
    await this.pools.close(url);
  }

  private async readOnly<T>(url: string, fn: (client: PoolClient) => Promise<T>): Promise<T> {
    return this.pools.withClient(url, (client) =>
      inTransaction(
        client,
        async () => {
          await client.query("SELECT set_config('search_path', 'pg_catalog', true)");
          return fn(client);
        },
        { isolation: 'repeatable read', readOnly: true },
      ),
    );
  }
}
