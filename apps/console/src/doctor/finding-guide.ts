/**
 * What each doctor finding means and how to fix it (libs/doctor; the invariants are in
 * docs/invariants.md). The doctor only reads; every fix here is the operator's.
 */
export interface FindingGuide {
  title: string;
  meaning: string;
  fix: string;
}

const MIGRATE =
  'Run `switchyard migrate` (or a fleet run on the Migrations page): it restores what the migrations set up.';
const RLS_FIX =
  'Apply the tenant migrations again (`switchyard migrate`); if the table was added by hand, add it through a migration that enables and forces RLS with the standard policy.';
const ROLE_FIX =
  'Connect as the owner or a superuser and revoke it from the application role (ALTER ROLE … / REVOKE …); the application role must only log in and use the grants the migrations give it.';

export const FINDING_GUIDES: Record<string, FindingGuide> = {
  RLS_DISABLED: {
    title: 'Row-level security is off',
    meaning: 'A table holding tenant rows does not enable RLS: every tenant can read every other tenant’s rows.',
    fix: RLS_FIX,
  },
  RLS_NOT_FORCED: {
    title: 'Row-level security is not forced',
    meaning: 'RLS is enabled but not forced, so the table’s owner skips the policies.',
    fix: 'ALTER TABLE … FORCE ROW LEVEL SECURITY, through a migration. ' + RLS_FIX,
  },
  RLS_POLICY_MISSING: {
    title: 'A command has no tenant policy',
    meaning:
      'No permissive policy for the application role covers some of SELECT, INSERT, UPDATE, DELETE, so those commands fail (or a later policy would open them).',
    fix: 'Add a policy FOR ALL (or one per command) using the tenant setting, through a migration.',
  },
  POLICY_NO_TENANT_SETTING: {
    title: 'A policy ignores the tenant',
    meaning:
      "A permissive policy does not use current_setting('switchyard.tenant_id'): it lets rows through regardless of the tenant.",
    fix: "Replace it with tenant_id = nullif(current_setting('switchyard.tenant_id', true), '')::uuid.",
  },
  POLICY_ALWAYS_TRUE: {
    title: 'A policy lets everything through',
    meaning: 'A permissive policy is `true`: every row of every tenant passes it.',
    fix: 'Drop the policy (policies are OR-ed, so it opens the table whatever the others say).',
  },
  POLICY_NONSTANDARD: {
    title: 'A policy is not in the standard form',
    meaning:
      'A policy uses the tenant setting, but not in the standard form; it may be right, or may leak rows in edge cases.',
    fix: "Review it; prefer tenant_id = nullif(current_setting('switchyard.tenant_id', true), '')::uuid.",
  },
  APP_ROLE_MISSING: {
    title: 'The application role is missing',
    meaning: 'The role the API connects as does not exist on the server: no tenant can be served from it.',
    fix: MIGRATE,
  },
  APP_ROLE_SUPERUSER: {
    title: 'The application role is a superuser',
    meaning: 'A superuser ignores RLS, grants and ownership: tenant isolation means nothing for it.',
    fix: 'ALTER ROLE <app role> NOSUPERUSER.',
  },
  APP_ROLE_BYPASSRLS: {
    title: 'The application role bypasses RLS',
    meaning: 'With BYPASSRLS every policy is skipped for the role the API uses.',
    fix: 'ALTER ROLE <app role> NOBYPASSRLS.',
  },
  BREAK_GLASS_ROLE_PRIVILEGED: {
    title: 'The break-glass role is privileged',
    meaning: 'The role support reads tenant data with can log in, is a superuser or bypasses RLS.',
    fix: 'ALTER ROLE <break-glass role> NOLOGIN NOSUPERUSER NOBYPASSRLS (the installation re-narrows it).',
  },
  BREAK_GLASS_ROLE_MEMBERSHIP: {
    title: 'The break-glass role is a member of another role',
    meaning: 'Through that membership it may gain rights beyond reading tenant tables.',
    fix: 'REVOKE <other role> FROM <break-glass role>.',
  },
  BREAK_GLASS_ROLE_WRITABLE: {
    title: 'The break-glass role may write',
    meaning: 'Audited support reads must not be able to change data; this role holds a write privilege.',
    fix: 'REVOKE INSERT, UPDATE, DELETE, TRUNCATE ON the named table FROM <break-glass role>.',
  },
  APP_ROLE_CREATEDB: {
    title: 'The application role may create databases',
    meaning: 'The API’s role has CREATEDB, more than it needs.',
    fix: 'ALTER ROLE <app role> NOCREATEDB.',
  },
  APP_ROLE_CREATEROLE: {
    title: 'The application role may create roles',
    meaning: 'With CREATEROLE it could grant itself other roles, and their rights.',
    fix: 'ALTER ROLE <app role> NOCREATEROLE.',
  },
  APP_ROLE_REPLICATION: {
    title: 'The application role may replicate',
    meaning: 'With REPLICATION it can stream every row of the server, past RLS.',
    fix: 'ALTER ROLE <app role> NOREPLICATION.',
  },
  APP_ROLE_MEMBERSHIP: {
    title: 'The application role belongs to another role',
    meaning: 'It holds whatever that other role holds, which may bypass isolation.',
    fix: 'REVOKE <other role> FROM <app role>.',
  },
  APP_ROLE_OWNS_OBJECT: {
    title: 'The application role owns something',
    meaning: 'An owner bypasses grants and unforced RLS on what it owns.',
    fix: 'ALTER … OWNER TO the owner role the migrations use. ' + ROLE_FIX,
  },
  APP_ROLE_EXCESS_PRIVILEGE: {
    title: 'The application role holds too much on a table',
    meaning: 'It (or PUBLIC) holds privileges beyond SELECT, INSERT, UPDATE, DELETE (TRUNCATE, REFERENCES, TRIGGER…).',
    fix: 'REVOKE the extra privileges from the role and from PUBLIC.',
  },
  APP_ROLE_CREATE_PRIVILEGE: {
    title: 'The application role may create objects',
    meaning: 'It may CREATE in a database or schema: it could add objects that run with its rights or shadow others.',
    fix: 'REVOKE CREATE ON DATABASE / SCHEMA … FROM the role and from PUBLIC.',
  },
  APP_ROLE_META_ACCESS: {
    title: 'The application role can touch the migration ledger',
    meaning: 'It holds privileges on switchyard_meta, the record of which migrations ran.',
    fix: 'REVOKE ALL ON the switchyard_meta tables FROM the role. ' + MIGRATE,
  },
  CONTROL_PLANE_WRITABLE: {
    title: 'The application role can write the control plane',
    meaning:
      'It may only read the control plane (and add usage counts); write access would let a tenant request change placements.',
    fix: 'REVOKE INSERT, UPDATE, DELETE on the control-plane tables from the role (keep INSERT, UPDATE on tenant_usage).',
  },
  SECURITY_DEFINER_REACHABLE: {
    title: 'A SECURITY DEFINER function is reachable',
    meaning: 'The application role may EXECUTE a function that runs with its owner’s rights, past RLS.',
    fix: 'REVOKE EXECUTE from the role and PUBLIC, or make the function SECURITY INVOKER.',
  },
  VIEW_NOT_SECURITY_INVOKER: {
    title: 'A view reads with its owner’s rights',
    meaning:
      'The application role may SELECT a view without security_invoker (or a materialized view): its rows are read past RLS.',
    fix: 'ALTER VIEW … SET (security_invoker = true), or revoke SELECT; a materialized view must not be readable by the role.',
  },
  CROSS_SCHEMA_FOREIGN_KEY: {
    title: 'A foreign key leaves the tenant schema',
    meaning: 'A tenant schema’s table references a table outside it: moving or removing the tenant would break it.',
    fix: 'Drop the foreign key, or keep the referenced data inside the tenant schema.',
  },
  CROSS_SCHEMA_REFERENCE: {
    title: 'An object depends on another schema',
    meaning:
      'A view, default or function in a tenant schema depends on something outside it: it ties the tenant to it, and a view could read another tenant’s rows.',
    fix: 'Recreate the object so that it references only its own schema.',
  },
  READ_FENCE_MISSING: {
    title: 'The read fence is missing',
    meaning:
      'The fence that refuses a tenant at a place it left is missing or unreadable: no tenant context can be set in this database.',
    fix: MIGRATE,
  },
  READ_FENCE_WRITABLE: {
    title: 'The read fence is writable',
    meaning: 'The application role could lift a fence, and read a tenant at a place it left.',
    fix: 'REVOKE INSERT, UPDATE, DELETE, TRUNCATE on switchyard_fence from the role. ' + MIGRATE,
  },
  ORPHAN_SCHEMA: {
    title: 'A tenant schema without a tenant',
    meaning: 'A t_… schema exists that no tenant in the control plane owns (a failed provisioning or offboarding).',
    fix: 'Check that no tenant needs it (audit log), then DROP SCHEMA … CASCADE.',
  },
  ORPHAN_DATABASE: {
    title: 'A tenant database without a tenant',
    meaning: 'A sy_t_… database exists that no tenant owns.',
    fix: 'Check that no tenant needs it (audit log), then DROP DATABASE.',
  },
  STRAY_SCHEMA: {
    title: 'Leftover schema of a moved tenant',
    meaning: 'A tenant’s schema is still here while the tenant lives elsewhere: leftover data from a move.',
    fix: 'After checking the tenant works at its placement, DROP SCHEMA … CASCADE.',
  },
  STRAY_DATABASE: {
    title: 'Leftover database of a moved tenant',
    meaning: 'A tenant’s database is still here while the tenant lives elsewhere: leftover data from a move.',
    fix: 'After checking the tenant works at its placement, DROP DATABASE.',
  },
  PLACEMENT_MISSING: {
    title: 'A tenant’s storage is missing',
    meaning: 'The control plane places a tenant in a schema or database that does not exist: its requests fail.',
    fix: 'Restore the storage from a backup, or offboard the tenant; the audit log tells what happened to it.',
  },
  PLACEMENT_MISMATCH: {
    title: 'A placement names the wrong storage',
    meaning: 'The placement does not name the schema or database derived from the tenant id.',
    fix: 'Correct the placement in the control plane (or move the tenant again) so that it names the derived storage.',
  },
  TARGET_UNREACHABLE: {
    title: 'A server or database could not be read',
    meaning: 'The doctor could not connect or read the catalog, so nothing there was checked.',
    fix: 'Check that the server is up and reachable with the configured credentials, then run the doctor again.',
  },
};

export function guideFor(code: string): FindingGuide {
  return (
    FINDING_GUIDES[code] ?? {
      title: code,
      meaning: 'A finding this console does not describe yet; its message says what is wrong.',
      fix: 'See docs/invariants.md.',
    }
  );
}
