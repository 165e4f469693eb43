import type { DatabaseCatalog, ServerCatalog } from '../catalog.types';
import { error, type Finding, type TargetOf } from '../finding';

const ATTRIBUTES = [
  ['superuser', 'APP_ROLE_SUPERUSER', 'is a superuser: RLS, grants and ownership mean nothing to it'],
  ['bypassRls', 'APP_ROLE_BYPASSRLS', 'has BYPASSRLS: every policy is skipped for it'],
  ['createDb', 'APP_ROLE_CREATEDB', 'has CREATEDB'],
  ['createRole', 'APP_ROLE_CREATEROLE', 'has CREATEROLE: it can grant itself other roles'],
  ['replication', 'APP_ROLE_REPLICATION', 'has REPLICATION: it can stream every row of the server'],
] as const;

/** I2 at server level: the application role's attributes, memberships and the databases it owns or may create in. */
export function serverFindings(server: string, catalog: ServerCatalog, appRole: string): Finding[] {
  const target = `server:${server}`;
  const role = `role ${appRole}`;
  if (!catalog.role)
    return [error('APP_ROLE_MISSING', target, role, 'the application role does not exist on this server')];
  const findings: Finding[] = [];
  for (const [attribute, code, says] of ATTRIBUTES) {
    if (catalog.role[attribute]) findings.push(error(code, target, role, `the application role ${says}`));
  }
  for (const member of catalog.memberships) {
    findings.push(
      error(
        'APP_ROLE_MEMBERSHIP',
        target,
        role,
        `the application role is a member of ${member} and holds whatever that role holds`,
      ),
    );
  }
  for (const database of catalog.databases) {
    const object = `database ${database.name}`;
    if (database.ownedByApp)
      findings.push(error('APP_ROLE_OWNS_OBJECT', target, object, 'owned by the application role'));
    if (database.appCreate)
      findings.push(
        error('APP_ROLE_CREATE_PRIVILEGE', target, object, 'the application role may CREATE schemas in this database'),
      );
  }
  return findings;
}

/** I2 inside one database: nothing owned, no CREATE, no ledger access, no write to the control plane. */
export function databasePrivilegeFindings(catalog: DatabaseCatalog, targetOf: TargetOf): Finding[] {
  const findings: Finding[] = [];
  for (const owned of catalog.owned) {
    const object = owned.kind === 'schema' ? `schema ${owned.name}` : `${owned.kind} ${owned.schema}.${owned.name}`;
    findings.push(
      error(
        'APP_ROLE_OWNS_OBJECT',
        targetOf(owned.schema),
        object,
        'owned by the application role: ownership bypasses grants and (unforced) RLS',
      ),
    );
  }
  for (const schema of catalog.schemas.filter((s) => s.appCreate)) {
    findings.push(
      error(
        'APP_ROLE_CREATE_PRIVILEGE',
        targetOf(schema.name),
        `schema ${schema.name}`,
        'the application role may CREATE objects in this schema',
      ),
    );
  }
  for (const grant of catalog.metaPrivileges) {
    findings.push(
      error(
        'APP_ROLE_META_ACCESS',
        targetOf('switchyard_meta'),
        grant.object,
        `the application role holds ${grant.privileges.join(', ')} on the migration ledger`,
      ),
    );
  }
  for (const grant of catalog.controlPlaneWrites) {
    // Every API process adds its per-tenant usage counts; nothing else of the control plane is writable.
    const allowed = CONTROL_PLANE_APP_WRITES[grant.object] ?? [];
    const excess = grant.privileges.filter((p) => !allowed.includes(p));
    if (!excess.length) continue;
    findings.push(
      error(
        'CONTROL_PLANE_WRITABLE',
        targetOf('public'),
        grant.object,
        `the application role holds ${excess.join(', ')}; it may only read the control plane`,
      ),
    );
  }
  return findings;
}

/** I1: objects that run with another role's rights, reachable by the application role, walk around RLS. */
export function definerRightsFindings(catalog: DatabaseCatalog, targetOf: TargetOf): Finding[] {
  return [
    ...catalog.securityDefiners.map((f) =>
      error(
        'SECURITY_DEFINER_REACHABLE',
        targetOf(f.schema),
        `function ${f.signature}`,
        "SECURITY DEFINER function the application role may EXECUTE: it runs with its owner's rights, past RLS",
      ),
    ),
    ...catalog.unsafeViews.map((v) =>
      error(
        'VIEW_NOT_SECURITY_INVOKER',
        targetOf(v.schema),
        `${v.materialized ? 'materialized view' : 'view'} ${v.schema}.${v.name}`,
        v.materialized
          ? 'materialized view the application role may SELECT: its rows were computed by its owner, past RLS'
          : "view without security_invoker the application role may SELECT: it reads with its owner's rights, past RLS",
      ),
    ),
  ];
}

/** What the application role may write in the control plane: adding usage counts, nothing more. */
const CONTROL_PLANE_APP_WRITES: Record<string, readonly string[]> = { 'public.tenant_usage': ['INSERT', 'UPDATE'] };
