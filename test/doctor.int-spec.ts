import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TenantRecord } from '@switchyard/control-plane';
import { DoctorService, type DoctorReport } from '@switchyard/doctor';
import { tenantStorageNames } from '@switchyard/postgres';
import { TenantLifecycleService } from '@switchyard/provisioning';
import { cliEnv, runCli } from './support/cli';
import { startHarness, type Harness } from './support/harness';

/**
 * `switchyard doctor` against a real fleet: clean when freshly provisioned, then each invariant broken
 * by hand as the owner — one at a time, restored right after — and named by the doctor.
 */
describe('doctor', () => {
  let h: Harness;
  let doctor: DoctorService;
  let schemaTenant: TenantRecord;
  let databaseTenant: TenantRecord;
  let shared: string;
  let app: string;
  let tenantSchema: string;

  beforeAll(async () => {
    h = await startHarness();
    doctor = h.controlPlane.get(DoctorService);
    shared = h.config.names.sharedDatabase;
    app = h.config.names.appRole;
    await h.createTenant('doc-shared', 'shared');
    schemaTenant = await h.createTenant('doc-schema', 'schema');
    databaseTenant = await h.createTenant('doc-database', 'database');
    tenantSchema = schemaTenant.placement.schema;
  });
  afterAll(() => h?.close());

  const ops = () => ({ Authorization: `Bearer ${h.opsToken()}` });
  const sharedTarget = () => `shared:primary/${shared}`;
  const hex = () => randomBytes(16).toString('hex');

  /** Breaks something, runs the doctor, always restores; returns the report. */
  async function whileBroken(
    breakIt: () => Promise<unknown>,
    restore: () => Promise<unknown>,
    check: (report: DoctorReport) => Promise<void> | void = () => undefined,
  ): Promise<DoctorReport> {
    await breakIt();
    try {
      const report = await doctor.run();
      expect(report.ok).toBe(false);
      await check(report);
      return report;
    } finally {
      await restore();
    }
  }

  it('finds nothing wrong in a freshly provisioned fleet (one tenant per tier), and the CLI exits 0', async () => {
    const report = await doctor.run();
    // control plane, shared database, template, the schema tenant, the database tenant
    expect(report).toEqual({ ok: true, checkedTargets: 5, findings: [] });

    const json = await runCli(['doctor', '--json'], cliEnv(h.config));
    expect(json.stderr).toBe('');
    expect(json.code).toBe(0);
    expect(JSON.parse(json.stdout)).toEqual(report);
    const human = await runCli(['doctor'], cliEnv(h.config));
    expect(human.code).toBe(0);
    expect(human.stdout).toContain('no findings in 5 targets');
  });

  it('names a tenant-schema table whose RLS is no longer forced', async () => {
    await whileBroken(
      () => h.ownerQuery(shared, `ALTER TABLE ${tenantSchema}.employees NO FORCE ROW LEVEL SECURITY`),
      () => h.ownerQuery(shared, `ALTER TABLE ${tenantSchema}.employees FORCE ROW LEVEL SECURITY`),
      (report) => {
        expect(report.findings).toEqual([
          expect.objectContaining({
            severity: 'error',
            code: 'RLS_NOT_FORCED',
            target: `schema:${schemaTenant.id}`,
            object: `${tenantSchema}.employees`,
          }),
        ]);
      },
    );
  });

  it('names a permissive USING (true) policy in a tenant database', async () => {
    const database = databaseTenant.placement.database;
    await whileBroken(
      () => h.ownerQuery(database, 'CREATE POLICY doctor_leak ON public.employees USING (true)'),
      () => h.ownerQuery(database, 'DROP POLICY doctor_leak ON public.employees'),
      (report) => {
        expect(report.findings).toEqual([
          expect.objectContaining({
            code: 'POLICY_ALWAYS_TRUE',
            target: `database:${databaseTenant.id}`,
            object: 'policy doctor_leak on public.employees',
          }),
        ]);
      },
    );
  });

  it('names TRUNCATE granted on a shared table to the application role', async () => {
    await whileBroken(
      () => h.ownerQuery(shared, `GRANT TRUNCATE ON public.employees TO ${app}`),
      () => h.ownerQuery(shared, `REVOKE TRUNCATE ON public.employees FROM ${app}`),
      (report) => {
        expect(report.findings).toEqual([
          expect.objectContaining({
            code: 'APP_ROLE_EXCESS_PRIVILEGE',
            target: sharedTarget(),
            object: 'public.employees',
            message: expect.stringContaining('TRUNCATE'),
          }),
        ]);
      },
    );
  });

  it('lets the application role add usage counts to the control plane, and names any other write', async () => {
    const control = h.config.names.controlDatabase;
    await whileBroken(
      () => h.ownerQuery(control, `GRANT DELETE ON tenant_usage TO ${app}; GRANT INSERT ON placements TO ${app}`),
      () => h.ownerQuery(control, `REVOKE DELETE ON tenant_usage FROM ${app}; REVOKE INSERT ON placements FROM ${app}`),
      (report) => {
        expect(report.findings.map((f) => `${f.code} ${f.object}: ${f.message}`)).toEqual([
          'CONTROL_PLANE_WRITABLE public.placements: the application role holds INSERT; it may only read the control plane',
          'CONTROL_PLANE_WRITABLE public.tenant_usage: the application role holds DELETE; it may only read the control plane',
        ]);
      },
    );
  });

  it('names BYPASSRLS on the application role, through the CLI (exit 1, nothing repaired) and the API', async () => {
    await whileBroken(
      () => h.ownerQuery('postgres', `ALTER ROLE ${app} BYPASSRLS`),
      () => h.ownerQuery('postgres', `ALTER ROLE ${app} NOBYPASSRLS`),
      async (report) => {
        expect(report.findings).toEqual([
          expect.objectContaining({
            severity: 'error',
            code: 'APP_ROLE_BYPASSRLS',
            target: 'server:primary',
            object: `role ${app}`,
          }),
        ]);

        const cli = await runCli(['doctor', '--json'], cliEnv(h.config));
        expect(cli.code).toBe(1);
        expect(JSON.parse(cli.stdout)).toEqual(report);
        const human = await runCli(['doctor'], cliEnv(h.config));
        expect(human.code).toBe(1);
        expect(human.stdout).toMatch(/APP_ROLE_BYPASSRLS\s+server:primary/);
        expect(human.stdout).toContain('1 error, 0 warnings in 5 targets');

        const res = await h.cpRequest().get('/v1/doctor').set(ops());
        expect(res.status).toBe(200);
        expect(res.body).toEqual(report);
      },
    );
  });

  it('is for operators only', async () => {
    expect((await h.cpRequest().get('/v1/doctor')).status).toBe(401);
    const tenantToken = h.tokenFor(schemaTenant.id);
    const res = await h.cpRequest().get('/v1/doctor').set('Authorization', `Bearer ${tenantToken}`);
    expect(res.status).toBe(403);
    expect(res.headers['content-type']).toMatch(/application\/problem\+json/);
  });

  it('names a SECURITY DEFINER function in a tenant schema that the application role may run', async () => {
    await whileBroken(
      async () => {
        await h.ownerQuery(
          shared,
          `CREATE FUNCTION ${tenantSchema}.peek() RETURNS bigint LANGUAGE sql SECURITY DEFINER AS 'SELECT count(*) FROM ${tenantSchema}.employees'`,
        );
        await h.ownerQuery(shared, `GRANT EXECUTE ON FUNCTION ${tenantSchema}.peek() TO ${app}`);
      },
      () => h.ownerQuery(shared, `DROP FUNCTION ${tenantSchema}.peek()`),
      (report) => {
        expect(report.findings).toEqual([
          expect.objectContaining({
            code: 'SECURITY_DEFINER_REACHABLE',
            target: `schema:${schemaTenant.id}`,
            object: `function ${tenantSchema}.peek()`,
          }),
        ]);
      },
    );
  });

  it('names a view without security_invoker the application role may read, and accepts one with it', async () => {
    await whileBroken(
      async () => {
        await h.ownerQuery(shared, 'CREATE VIEW public.all_employees AS SELECT * FROM public.employees');
        await h.ownerQuery(shared, `GRANT SELECT ON public.all_employees TO ${app}`);
      },
      () => h.ownerQuery(shared, 'DROP VIEW IF EXISTS public.all_employees'),
      async (report) => {
        expect(report.findings).toEqual([
          expect.objectContaining({
            code: 'VIEW_NOT_SECURITY_INVOKER',
            target: sharedTarget(),
            object: 'view public.all_employees',
          }),
        ]);
        await h.ownerQuery(shared, 'ALTER VIEW public.all_employees SET (security_invoker = on)');
        expect((await doctor.run()).findings).toEqual([]);
      },
    );
  });

  it('names a foreign key from a tenant schema to a table of another schema', async () => {
    await whileBroken(
      () =>
        h.ownerQuery(
          shared,
          `ALTER TABLE ${tenantSchema}.wellness_entries ADD CONSTRAINT doctor_outside_fkey FOREIGN KEY (tenant_id, employee_id) REFERENCES public.employees (tenant_id, id)`,
        ),
      () => h.ownerQuery(shared, `ALTER TABLE ${tenantSchema}.wellness_entries DROP CONSTRAINT doctor_outside_fkey`),
      (report) => {
        expect(report.findings).toEqual([
          expect.objectContaining({
            code: 'CROSS_SCHEMA_FOREIGN_KEY',
            target: `schema:${schemaTenant.id}`,
            object: `constraint doctor_outside_fkey on table ${tenantSchema}.wellness_entries`,
            message: expect.stringContaining('public.employees'),
          }),
        ]);
      },
    );
  });

  it('names an orphan tenant schema', async () => {
    const orphan = `t_${hex()}`;
    await whileBroken(
      () => h.ownerQuery(shared, `CREATE SCHEMA ${orphan}`),
      () => h.ownerQuery(shared, `DROP SCHEMA ${orphan}`),
      (report) => {
        expect(report.findings).toEqual([
          expect.objectContaining({ code: 'ORPHAN_SCHEMA', target: sharedTarget(), object: `schema ${orphan}` }),
        ]);
      },
    );
  });

  it('names an orphan tenant database of this installation, not one that only shares the server', async () => {
    const orphan = `sy_t_${hex()}`;
    await h.ownerQuery('postgres', `CREATE DATABASE ${orphan} TEMPLATE template0`);
    try {
      // Other installations' tenant databases grant nothing to this installation's role.
      expect((await doctor.run()).ok).toBe(true);
      await whileBroken(
        () => h.ownerQuery('postgres', `GRANT CONNECT ON DATABASE ${orphan} TO ${app}`),
        () => Promise.resolve(),
        (report) => {
          expect(report.findings).toEqual([
            expect.objectContaining({
              code: 'ORPHAN_DATABASE',
              target: 'server:primary',
              object: `database ${orphan}`,
            }),
          ]);
        },
      );
    } finally {
      await h.ownerQuery('postgres', `DROP DATABASE IF EXISTS ${orphan} WITH (FORCE)`);
    }
  });

  it.each(['schema', 'database'] as const)('names a %s tenant whose storage is missing', async (tier) => {
    const tenant = await h.createTenant(`doc-gone-${tier}`, tier);
    const names = tenantStorageNames(tenant.id);
    await whileBroken(
      () =>
        tier === 'schema'
          ? h.ownerQuery(shared, `DROP SCHEMA ${names.schema} CASCADE`)
          : h.ownerQuery('postgres', `DROP DATABASE ${names.database} WITH (FORCE)`),
      () => h.controlPlane.get(TenantLifecycleService).delete(tenant.id),
      (report) => {
        const object = tier === 'schema' ? `schema ${names.schema}` : `database ${names.database}`;
        expect(report.findings).toEqual([
          expect.objectContaining({ code: 'PLACEMENT_MISSING', target: `${tier}:${tenant.id}`, object }),
        ]);
      },
    );
  });

  it('is clean again once every breakage is restored', async () => {
    expect(await doctor.run()).toEqual({ ok: true, checkedTargets: 5, findings: [] });
  });
});
