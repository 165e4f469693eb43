import type { DatabaseCatalog, ServerCatalog } from '../catalog.types';
import { error, type Finding, type TargetOf } from '../finding';

const ATTRIBUTES = [
  ['superuser', 'is a superuser: RLS, grants and the read-only checks mean nothing to it'],
  ['bypassRls', 'has BYPASSRLS: a break-glass read would see every tenant of a shared table'],
  ['createDb', 'has CREATEDB'],
  ['createRole', 'has CREATEROLE: it can grant itself other roles'],
  ['replication', 'has REPLICATION: it can stream every row of the server'],
  ['login', 'can LOG IN: it is only ever entered with SET ROLE by the control plane, inside an audited read'],
] as const;

/**
 * I2 for the break-glass role (@switchyard/break-glass), at server level: not privileged, no LOGIN, a
 * member of nothing, no CREATE on any database. A missing role is not a finding: break-glass reads then
 * fail, and nothing is exposed.
 */
export function breakGlassServerFindings(server: string, catalog: ServerCatalog, breakGlassRole: string): Finding[] {
  const bg = catalog.breakGlass;
  if (!bg?.role) return [];
  const target = `server:${server}`;
  const role = `role ${breakGlassRole}`;
  const findings: Finding[] = [];
  for (const [attribute, says] of ATTRIBUTES) {
    if (bg.role[attribute])
      findings.push(error('BREAK_GLASS_ROLE_PRIVILEGED', target, role, `the break-glass role ${says}`));
  }
  for (const member of bg.memberships) {
    findings.push(
      error(
        'BREAK_GLASS_ROLE_MEMBERSHIP',
        target,
        role,
        `the break-glass role is a member of ${member} and holds whatever that role holds`,
      ),
    );
  }
  for (const grant of bg.databaseGrants) {
    findings.push(
      error(
        'BREAK_GLASS_ROLE_WRITABLE',
        target,
        grant.object,
        'the break-glass role may CREATE schemas in this database',
      ),
    );
  }
  return findings;
}

/** I2 for the break-glass role inside a tenant-data database: it may change nothing, create nothing. */
export function breakGlassDatabaseFindings(catalog: DatabaseCatalog, targetOf: TargetOf): Finding[] {
  return (catalog.breakGlassWrites ?? []).map((grant) => {
    const schema = grant.object.startsWith('schema ') ? grant.object.slice(7) : grant.object.split('.')[0]!;
    return error(
      'BREAK_GLASS_ROLE_WRITABLE',
      targetOf(schema.replaceAll('"', '')),
      grant.object,
      `the break-glass role holds ${grant.privileges.join(', ')}: it must only read`,
    );
  });
}
