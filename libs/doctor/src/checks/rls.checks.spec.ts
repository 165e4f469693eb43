import { describe, expect, it } from 'vitest';
import type { DatabaseCatalog, PolicyRow } from '../catalog.types';
import { coveredCommands, judgeExpression, rlsFindings } from './rls.checks';

/** What pg_get_expr prints for the migrations' policy. */
const STANDARD = "(tenant_id = (NULLIF(current_setting('switchyard.tenant_id'::text, true), ''::text))::uuid)";

const policy = (overrides: Partial<PolicyRow>): PolicyRow => ({
  schema: 'public',
  table: 'employees',
  name: 'p',
  command: '*',
  permissive: true,
  appliesToApp: true,
  using: STANDARD,
  check: STANDARD,
  ...overrides,
});

const catalog = (policies: PolicyRow[]): DatabaseCatalog => ({
  schemas: [],
  tenantTables: [{ schema: 'public', table: 'employees', rlsEnabled: true, rlsForced: true, extraPrivileges: [] }],
  policies,
  owned: [],
  metaPrivileges: [],
  securityDefiners: [],
  unsafeViews: [],
  schemaReferences: [],
  fence: null,
  controlPlaneWrites: [],
});

describe('policy expressions', () => {
  it.each([
    [STANDARD, 'standard'],
    ["NULLIF(current_setting('switchyard.tenant_id', true), '')::uuid = tenant_id", 'standard'],
    ['true', 'always-true'],
    ['(true)', 'always-true'],
    [`(${STANDARD} OR true)`, 'nonstandard'],
    ["(tenant_id = (current_setting('switchyard.tenant_id'::text))::uuid)", 'nonstandard'],
    ["(tenant_id = (current_setting('app.tenant'::text))::uuid)", 'no-tenant-setting'],
    ['(tenant_id IS NOT NULL)', 'no-tenant-setting'],
  ])('%s is %s', (expression, verdict) => {
    expect(judgeExpression(expression)).toBe(verdict);
  });
});

describe('rls findings', () => {
  it('accepts the migrations’ FOR ALL policy', () => {
    expect(rlsFindings(catalog([policy({})]), () => 'target')).toEqual([]);
  });

  it('counts one policy per command as full coverage, and a missing clause as a denial', () => {
    const perCommand = (['r', 'a', 'w', 'd'] as const).map((command) =>
      policy({
        name: command,
        command,
        using: command === 'a' ? null : STANDARD,
        check: command === 'r' || command === 'd' ? null : STANDARD,
      }),
    );
    expect([...coveredCommands(perCommand)].sort()).toEqual(['DELETE', 'INSERT', 'SELECT', 'UPDATE']);
    expect([...coveredCommands([policy({ using: null })])]).toEqual(['INSERT']);
    expect([...coveredCommands([policy({ appliesToApp: false })])]).toEqual([]);
    expect([...coveredCommands([policy({ permissive: false })])]).toEqual([]);
  });

  it('flags a permissive USING (true), whose WITH CHECK falls back to it', () => {
    const findings = rlsFindings(
      catalog([policy({}), policy({ name: 'leak', using: 'true', check: null })]),
      () => 'target',
    );
    expect(findings).toEqual([
      expect.objectContaining({
        code: 'POLICY_ALWAYS_TRUE',
        severity: 'error',
        object: 'policy leak on public.employees',
        message: expect.stringMatching(/^permissive policy: USING and WITH CHECK/),
      }),
    ]);
  });

  it('lets a restrictive policy narrow without the tenant setting', () => {
    expect(
      rlsFindings(
        catalog([policy({}), policy({ name: 'live', permissive: false, using: '(deleted_at IS NULL)', check: null })]),
        () => 't',
      ),
    ).toEqual([]);
  });

  it('reports RLS off, unforced, excess grants and uncovered commands', () => {
    const c = catalog([policy({ command: 'r', check: null })]);
    c.tenantTables = c.tenantTables.map((t) => ({
      ...t,
      rlsEnabled: false,
      rlsForced: false,
      extraPrivileges: ['TRUNCATE'],
    }));
    expect(rlsFindings(c, () => 't').map((f) => f.code)).toEqual([
      'RLS_DISABLED',
      'RLS_NOT_FORCED',
      'APP_ROLE_EXCESS_PRIVILEGE',
      'RLS_POLICY_MISSING',
    ]);
  });
});
