import type { DatabaseCatalog, PolicyCommand, PolicyRow } from '../catalog.types';
import { error, warning, type Finding, type FindingCode, type TargetOf } from '../finding';

type Command = 'SELECT' | 'INSERT' | 'UPDATE' | 'DELETE';
const COMMANDS: Command[] = ['SELECT', 'INSERT', 'UPDATE', 'DELETE'];
const COMMAND_OF: Record<Exclude<PolicyCommand, '*'>, Command> = { r: 'SELECT', a: 'INSERT', w: 'UPDATE', d: 'DELETE' };

const TENANT_SETTING = /current_setting\('switchyard\.tenant_id'/;
/** `tenant_id = nullif(current_setting('switchyard.tenant_id', true), '')::uuid` without spaces, parentheses and ::text casts. */
const STANDARD_FORMS = [
  "tenant_id=nullifcurrent_setting'switchyard.tenant_id',true,''::uuid",
  "nullifcurrent_setting'switchyard.tenant_id',true,''::uuid=tenant_id",
];

const squeeze = (expression: string) =>
  expression
    .replace(/[\s()]/g, '')
    .replace(/::text/g, '')
    .toLowerCase();

/** How one policy expression stands against the transaction-local tenant setting. */
export function judgeExpression(expression: string): 'standard' | 'nonstandard' | 'always-true' | 'no-tenant-setting' {
  const squeezed = squeeze(expression);
  if (STANDARD_FORMS.includes(squeezed)) return 'standard';
  if (squeezed === 'true') return 'always-true';
  return TENANT_SETTING.test(expression) ? 'nonstandard' : 'no-tenant-setting';
}

/** The expressions PostgreSQL applies for reads (USING) and for new rows (WITH CHECK); null means "denied". */
export function effectiveClauses(policy: Pick<PolicyRow, 'command' | 'using' | 'check'>): {
  using: string | null;
  check: string | null;
} {
  const reads = policy.command !== 'a';
  const writes = policy.command === '*' || policy.command === 'a' || policy.command === 'w';
  const updates = policy.command === '*' || policy.command === 'w';
  return {
    using: reads ? policy.using : null,
    check: writes ? (policy.check ?? (updates ? policy.using : null)) : null,
  };
}

/** Commands some permissive policy lets the application role run (a missing clause denies, it does not allow). */
export function coveredCommands(policies: PolicyRow[]): Set<Command> {
  const covered = new Set<Command>();
  for (const policy of policies) {
    if (!policy.permissive || !policy.appliesToApp) continue;
    const { using, check } = effectiveClauses(policy);
    const commands = policy.command === '*' ? COMMANDS : [COMMAND_OF[policy.command]];
    for (const command of commands) {
      const needs = command === 'INSERT' ? [check] : command === 'UPDATE' ? [using, check] : [using];
      if (needs.every((clause) => clause !== null)) covered.add(command);
    }
  }
  return covered;
}

const VERDICTS: Record<'nonstandard' | 'always-true' | 'no-tenant-setting', { code: FindingCode; says: string }> = {
  'always-true': { code: 'POLICY_ALWAYS_TRUE', says: 'is `true`: every row of every tenant passes' },
  'no-tenant-setting': {
    code: 'POLICY_NO_TENANT_SETTING',
    says: "does not use the transaction-local tenant setting current_setting('switchyard.tenant_id', true)",
  },
  nonstandard: {
    code: 'POLICY_NONSTANDARD',
    says: "uses the tenant setting, but not as tenant_id = nullif(current_setting('switchyard.tenant_id', true), '')::uuid; review it",
  },
};

/**
 * A permissive policy grants rows (policies are OR-ed), so each of its clauses must pin rows to the
 * tenant setting. A restrictive policy only narrows what the permissive ones grant; it cannot leak.
 */
function policyFindings(policy: PolicyRow, target: string): Finding[] {
  if (!policy.permissive) return [];
  const { using, check } = effectiveClauses(policy);
  const byVerdict = new Map<keyof typeof VERDICTS, { clauses: string[]; expression: string }>();
  for (const [clause, expression] of [
    ['USING', using],
    ['WITH CHECK', check],
  ] as const) {
    if (expression === null) continue;
    const verdict = judgeExpression(expression);
    if (verdict === 'standard') continue;
    const entry = byVerdict.get(verdict) ?? { clauses: [], expression };
    entry.clauses.push(clause);
    byVerdict.set(verdict, entry);
  }
  const object = `policy ${policy.name} on ${policy.schema}.${policy.table}`;
  return [...byVerdict].map(([verdict, { clauses, expression }]) => {
    const { code, says } = VERDICTS[verdict];
    const message = `permissive policy: ${clauses.join(' and ')} ${says} (${expression})`;
    return verdict === 'nonstandard' ? warning(code, target, object, message) : error(code, target, object, message);
  });
}

/** I2: every table holding tenant data has RLS enabled and forced, with tenant-pinned policies for every command. */
export function rlsFindings(catalog: DatabaseCatalog, targetOf: TargetOf): Finding[] {
  const findings: Finding[] = [];
  for (const table of catalog.tenantTables) {
    const target = targetOf(table.schema);
    const object = `${table.schema}.${table.table}`;
    if (!table.rlsEnabled)
      findings.push(
        error(
          'RLS_DISABLED',
          target,
          object,
          'row-level security is not enabled: every row of every tenant is visible',
        ),
      );
    if (!table.rlsForced)
      findings.push(
        error(
          'RLS_NOT_FORCED',
          target,
          object,
          'row-level security is not forced: the table owner bypasses the policies',
        ),
      );
    if (table.extraPrivileges.length) {
      findings.push(
        error(
          'APP_ROLE_EXCESS_PRIVILEGE',
          target,
          object,
          `the application role (or PUBLIC) holds ${table.extraPrivileges.join(', ')}; it needs only SELECT, INSERT, UPDATE, DELETE`,
        ),
      );
    }
    const policies = catalog.policies.filter((p) => p.schema === table.schema && p.table === table.table);
    const covered = coveredCommands(policies);
    const missing = COMMANDS.filter((c) => !covered.has(c));
    if (missing.length) {
      findings.push(
        error(
          'RLS_POLICY_MISSING',
          target,
          object,
          `no permissive policy for the application role covers ${missing.join(', ')} (needs FOR ALL, or one per command)`,
        ),
      );
    }
    for (const policy of policies) findings.push(...policyFindings(policy, target));
  }
  return findings;
}
