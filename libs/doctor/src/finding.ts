export type Severity = 'error' | 'warning';

/** What the doctor can find; each code names one broken invariant (docs/invariants.md). */
export const FINDING_CODES = [
  // I2: every tenant table has RLS enabled and forced, with policies on the tenant setting.
  'RLS_DISABLED',
  'RLS_NOT_FORCED',
  'RLS_POLICY_MISSING',
  'POLICY_NO_TENANT_SETTING',
  'POLICY_ALWAYS_TRUE',
  'POLICY_NONSTANDARD',
  // I2: the application role owns nothing, bypasses nothing and holds only what it needs.
  'APP_ROLE_MISSING',
  'APP_ROLE_SUPERUSER',
  'APP_ROLE_BYPASSRLS',
  'APP_ROLE_CREATEDB',
  'APP_ROLE_CREATEROLE',
  'APP_ROLE_REPLICATION',
  'APP_ROLE_MEMBERSHIP',
  'APP_ROLE_OWNS_OBJECT',
  'APP_ROLE_EXCESS_PRIVILEGE',
  'APP_ROLE_CREATE_PRIVILEGE',
  'APP_ROLE_META_ACCESS',
  'CONTROL_PLANE_WRITABLE',
  // I2: the break-glass role only reads, under RLS, and nobody logs in as it.
  'BREAK_GLASS_ROLE_PRIVILEGED',
  'BREAK_GLASS_ROLE_MEMBERSHIP',
  'BREAK_GLASS_ROLE_WRITABLE',
  // I1: no way around RLS through objects that run with someone else's rights.
  'SECURITY_DEFINER_REACHABLE',
  'VIEW_NOT_SECURITY_INVOKER',
  // I3: objects inside a tenant schema reference only that schema.
  'CROSS_SCHEMA_FOREIGN_KEY',
  'CROSS_SCHEMA_REFERENCE',
  // I5: a location a tenant left refuses it, for reads as for writes.
  'READ_FENCE_MISSING',
  'READ_FENCE_WRITABLE',
  // I6: storage and the control plane agree.
  'ORPHAN_SCHEMA',
  'ORPHAN_DATABASE',
  'STRAY_SCHEMA',
  'STRAY_DATABASE',
  'PLACEMENT_MISSING',
  'PLACEMENT_MISMATCH',
  'TARGET_UNREACHABLE',
] as const;
export type FindingCode = (typeof FINDING_CODES)[number];

export interface Finding {
  severity: Severity;
  code: FindingCode;
  /** Where: a fleet target key (`shared:primary/db`, `schema:<tenant id>`, …), `server:<name>` or `control-plane:<server>/<db>`. */
  target: string;
  /** What: a qualified object name (`t_….employees`, `role app`, `database sy_t_…`). */
  object: string;
  message: string;
}

export interface DoctorReport {
  /** True when there is no finding at all (warnings included). */
  ok: boolean;
  /** How many places' catalogs were read: fleet targets plus the control-plane database. */
  checkedTargets: number;
  findings: Finding[];
}

export const error = (code: FindingCode, target: string, object: string, message: string): Finding => ({
  severity: 'error',
  code,
  target,
  object,
  message,
});
export const warning = (code: FindingCode, target: string, object: string, message: string): Finding => ({
  severity: 'warning',
  code,
  target,
  object,
  message,
});

/** Names the target a finding in a given schema of the database being judged belongs to. */
export type TargetOf = (schema: string) => string;
