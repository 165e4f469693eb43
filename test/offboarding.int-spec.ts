import { createHash } from 'node:crypto';
import { mkdtemp, readFile, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import type { TenantRecord, Tier } from '@switchyard/control-plane';
import { withInstallationLock } from '@switchyard/migrations';
import { MoveRunner, MovesService } from '@switchyard/moves';
import { tenantStorageNames, withDatabase, withOwnerClient } from '@switchyard/postgres';
import { CellsService, TenantLifecycleService } from '@switchyard/provisioning';
import { UsageMeter } from '@switchyard/tenancy';
import { cliEnv, runCli } from './support/cli';
import { startHarness, type Harness } from './support/harness';
import { waitFor } from './support/wait';

/** Where a tenant id was found by the test's own search (not the product's proof). */
interface Sighting {
  server: string;
  database: string;
  what: string;
  rows: number;
}

/**
 * The test's own search of both servers, independent of the product's: every database (pg_database),
 * every base table with a tenant_id column (information_schema), rows with that id counted as the
 * superuser; and any schema or database named after the tenant. Databases others may clone from
 * (templates) are read under the installation lock, as a concurrent CREATE DATABASE … TEMPLATE would
 * fail while we are connected.
 */
async function searchEverywhere(tenantId: string): Promise<{ sightings: Sighting[]; databases: number }> {
  const names = tenantStorageNames(tenantId);
  const sightings: Sighting[] = [];
  let databases = 0;
  for (const [server, url] of [
    ['primary', inject('databaseUrl')],
    ['east', inject('secondDatabaseUrl')],
  ] as const) {
    const list = await withOwnerClient(url, (c) =>
      c.query<{ datname: string; template: boolean }>(
        `SELECT datname, datistemplate OR datname LIKE '%\\_template' AS template FROM pg_database WHERE datallowconn`,
      ),
    );
    const all = await withOwnerClient(url, (c) => c.query<{ datname: string }>('SELECT datname FROM pg_database'));
    if (all.rows.some((d) => d.datname === names.database))
      sightings.push({ server, database: names.database, what: 'database', rows: 0 });
    const look = async (database: string, attempt = 1): Promise<void> => {
      try {
        await withOwnerClient(withDatabase(url, database), async (c) => {
          const tables = await c.query<{ table_schema: string; table_name: string }>(
            `SELECT c.table_schema, c.table_name FROM information_schema.columns c
               JOIN information_schema.tables t USING (table_schema, table_name)
              WHERE c.column_name = 'tenant_id' AND t.table_type = 'BASE TABLE'`,
          );
          for (const { table_schema, table_name } of tables.rows) {
            const table = `${c.escapeIdentifier(table_schema)}.${c.escapeIdentifier(table_name)}`;
            const { rows } = await c.query<{ n: number }>(
              `SELECT count(*)::int AS n FROM ${table} WHERE tenant_id::text = $1`,
              [tenantId],
            );
            const n = rows[0]?.n ?? 0;
            if (n > 0) sightings.push({ server, database, what: `${table_schema}.${table_name}`, rows: n });
          }
          const schema = await c.query('SELECT 1 FROM pg_namespace WHERE nspname = $1', [names.schema]);
          if (schema.rowCount) sightings.push({ server, database, what: `schema ${names.schema}`, rows: 0 });
        });
        databases++;
      } catch (error) {
        const code = (error as { code?: string }).code;
        if (code === '3D000') return; // dropped meanwhile by another test
        // A table or schema another test dropped between listing and counting: look again.
        if ((code === '42P01' || code === '3F000') && attempt < 3) return look(database, attempt + 1);
        throw error;
      }
    };
    for (const { datname } of list.rows.filter((d) => !d.template)) await look(datname);
    await withInstallationLock(url, 'exclusive', async () => {
      for (const { datname } of list.rows.filter((d) => d.template)) await look(datname);
    });
  }
  return { sightings, databases };
}

/** GET /v1/offboardings/{id}, as far as these tests read it. */
interface OffboardingBody {
  state: string;
  export: { requested: boolean; file: string | null; bytes: number | null; sha256: string | null };
  eraseAfter: string;
  startedAt: string | null;
  result: {
    proof: Record<string, unknown>;
    erased: { retainedRemoved: number; controlPlane: { usageRows: number; moves: number } };
  } | null;
}

describe('offboarding with proof', () => {
  let h: Harness;
  let controlDb: string;
  /** Where archives are written before erasing (OFFBOARDING_EXPORT_DIR, and the CLI's --export). */
  let archives: string;
  const ops = () => ({ Authorization: `Bearer ${h.opsToken()}` });
  const as = (tenant: TenantRecord) => ({ Authorization: `Bearer ${h.tokenFor(tenant.id)}` });

  /** Rows through the tenant API (employees, wellness entries, an idempotency key), usage flushed. */
  async function seed(tenant: TenantRecord, n: number): Promise<void> {
    for (let i = 0; i < n; i++) {
      const employee = await h
        .apiRequest()
        .post('/v1/employees')
        .set(as(tenant))
        .set('Idempotency-Key', `seed-${tenant.slug}-${i}`)
        .send({ email: `p${i}@${tenant.slug}.io`, fullName: `Person ${i}` });
      expect(employee.status).toBe(201);
      const entry = await h
        .apiRequest()
        .post('/v1/wellness-entries')
        .set(as(tenant))
        .send({ employeeId: employee.body.id, kind: 'steps', loggedOn: '2026-01-02', value: 7000 });
      expect(entry.status).toBe(201);
    }
    // What the API counted is in the control plane now, not in a flush still to come.
    await h.api.get(UsageMeter).flush();
  }

  async function move(tenant: TenantRecord, to: { tier: Tier; server?: string; cell?: string }): Promise<void> {
    const runner = h.controlPlane.get(MoveRunner);
    const requested = await h.controlPlane.get(MovesService).request(tenant.id, { ...to, worker: runner.worker });
    expect(await runner.execute(requested.id)).toMatchObject({ state: 'done', error: null });
  }

  const offboarding = (id: string) => h.cpRequest().get(`/v1/offboardings/${id}`).set(ops());
  const ended = (state: string) => ['done', 'failed', 'cancelled'].includes(state);

  beforeAll(async () => {
    archives = await mkdtemp(join(tmpdir(), 'offboarding-archives-'));
    h = await startHarness({
      EXTRA_SERVERS: `east=${inject('secondDatabaseUrl')}`,
      // Old data is kept after each move, so the erasure has to find it.
      MOVE_RETENTION_MS: '3600000',
      OFFBOARDING_EXPORT_DIR: archives,
      // The erasure waits this long after the request for usage counted before the suspension.
      USAGE_FLUSH_MS: '500',
    });
    controlDb = h.config.names.controlDatabase;
    await h.controlPlane.get(CellsService).add('east', 'east');
  });
  afterAll(async () => {
    await h?.close();
    if (archives) await rm(archives, { recursive: true, force: true });
  });

  it('erases a tenant moved across tiers and servers everywhere, and proves it', async () => {
    // Both in the main cell: the neighbour shares the leaver's shared tables.
    const lifecycle = h.controlPlane.get(TenantLifecycleService);
    const inMain = async (slug: string) =>
      (await lifecycle.create({ slug, name: slug, tier: 'shared', cell: 'main' })).tenant;
    const leaver = await inMain('offboard-leaver');
    const neighbour = await inMain('offboard-neighbour');
    await seed(neighbour, 3);
    await seed(leaver, 4);
    // Shared (main) → schema (main) → database (primary) → database (east) → schema (east cell): each
    // old copy is kept for an hour.
    await move(leaver, { tier: 'schema' });
    await seed(leaver, 1);
    await move(leaver, { tier: 'database' });
    await move(leaver, { tier: 'database', server: 'east' });
    await move(leaver, { tier: 'schema', cell: 'east' });
    await seed(leaver, 1);

    const neighbourRows = async () =>
      h.ownerQuery<{ e: number; w: number; k: number }>(
        h.config.names.sharedDatabase,
        `SELECT (SELECT count(*)::int FROM employees WHERE tenant_id = $1) AS e,
                (SELECT count(*)::int FROM wellness_entries WHERE tenant_id = $1) AS w,
                (SELECT count(*)::int FROM idempotency_keys WHERE tenant_id = $1) AS k`,
        [neighbour.id],
      );
    const neighbourBefore = await neighbourRows();
    expect(neighbourBefore).toEqual([{ e: 3, w: 3, k: 3 }]);

    // The search works: before, it sees the tenant in the shared cell, the old schema, both old
    // databases and the live schema on the second server, and its usage in the control plane.
    const before = await searchEverywhere(leaver.id);
    const seenIn = new Set(before.sightings.map((s) => `${s.server}/${s.database}`));
    const own = tenantStorageNames(leaver.id).database;
    expect(seenIn).toEqual(
      new Set([
        `primary/${h.config.names.sharedDatabase}`, // its old rows (shared) and its old schema
        `primary/${controlDb}`, // its tenants row, placement, moves, usage, ledger
        `primary/${own}`, // its old database
        `east/${own}`, // its old database on the second server
        `east/${h.config.names.prefix}_cell_east`, // where it lives: a schema in a cell of the second server
      ]),
    );
    expect(before.sightings).toContainEqual(
      expect.objectContaining({ database: controlDb, what: 'public.tenant_usage' }),
    );

    const accepted = await h.cpRequest().post(`/v1/tenants/${leaver.slug}/offboarding`).set(ops()).send({ grace: '0' });
    expect(accepted.status).toBe(202);
    expect(accepted.body).toMatchObject({ tenantId: leaver.id, state: 'scheduled', grace: '0', startedAt: null });

    // The control plane's worker erases it: it is due at once.
    const done = await waitFor(
      async () => (await offboarding(accepted.body.id)).body as OffboardingBody,
      (o) => ended(o.state),
      { what: 'the offboarding to end', timeout: 45_000, interval: 200 },
    );
    expect(done).toMatchObject({ state: 'done', error: null });
    expect(done.result?.proof).toMatchObject({ rowsFound: 0, leftovers: [], servers: ['primary', 'east'] });
    expect(done.result?.erased.retainedRemoved).toBe(4);
    // What the control plane held under its id is counted, though the tenant row's cascade would take it.
    expect(done.result?.erased.controlPlane).toMatchObject({ moves: 4, usageRows: expect.any(Number) });
    expect(done.result?.erased.controlPlane.usageRows).toBeGreaterThan(0);

    // The test's own search finds nothing left but the offboarding record itself.
    const after = await searchEverywhere(leaver.id);
    expect(after.sightings).toEqual([{ server: 'primary', database: controlDb, what: 'public.offboardings', rows: 1 }]);
    expect(await h.ownerQuery(controlDb, 'SELECT 1 FROM tenant_usage WHERE tenant_id = $1', [leaver.id])).toHaveLength(
      0,
    );
    expect(await h.ownerQuery(controlDb, 'SELECT 1 FROM tenants WHERE id = $1', [leaver.id])).toHaveLength(0);

    // The proof is in the audit log, with what was checked; the earlier entries stay.
    const audit = await h.cpRequest().get(`/v1/audit?target=${leaver.id}`).set(ops());
    const actions = (audit.body.items as { action: string }[]).map((e) => e.action);
    expect(actions).toEqual(
      expect.arrayContaining(['tenant.create', 'tenant.move', 'tenant.offboard', 'tenant.delete']),
    );
    const erase = (audit.body.items as { action: string; outcome: string; details: Record<string, unknown> }[]).find(
      (e) => e.action === 'tenant.erase',
    );
    expect(erase).toMatchObject({ outcome: 'succeeded', details: { rowsFound: 0, leftovers: [] } });
    // At least this installation's databases on both servers, and each server's template1.
    expect(erase!.details.databasesChecked).toBeGreaterThanOrEqual(7);
    expect(erase!.details.tablesChecked).toBeGreaterThanOrEqual(3 * 5);

    // Its token is refused; the neighbour in the same shared tables kept every row.
    expect((await h.apiRequest().get('/v1/tenant').set(as(leaver))).status).toBe(403);
    expect(await neighbourRows()).toEqual(neighbourBefore);
    expect((await h.apiRequest().get('/v1/employees').set(as(neighbour))).body.items).toHaveLength(3);
  });

  it('suspends at once, and a cancel during the grace period resumes the tenant with its data', async () => {
    const tenant = await h.createTenant('offboard-regrets', 'schema');
    await seed(tenant, 2);
    const accepted = await h.cpRequest().post(`/v1/tenants/${tenant.id}/offboarding`).set(ops()).send({ grace: '7d' });
    expect(accepted.status).toBe(202);
    expect(accepted.body).toMatchObject({ state: 'scheduled', grace: '7d' });

    const refused = await h.apiRequest().get('/v1/employees').set(as(tenant));
    expect(refused.status).toBe(403);
    expect(refused.body.code).toBe('TENANT_SUSPENDED');
    const twice = await h.cpRequest().post(`/v1/tenants/${tenant.id}/offboarding`).set(ops()).send({});
    expect(twice.status).toBe(409);
    // Resuming it by hand would serve it until its erasure: only the cancel resumes it.
    const resumed = await h.cpRequest().patch(`/v1/tenants/${tenant.id}`).set(ops()).send({ status: 'active' });
    expect([resumed.status, resumed.body.code]).toEqual([409, 'TENANT_NOT_ACTIVE']);
    expect(resumed.body.detail).toMatch(/being offboarded; cancel the offboarding/);
    expect((await h.apiRequest().get('/v1/employees').set(as(tenant))).status).toBe(403);

    const cancelled = await h.cpRequest().post(`/v1/offboardings/${accepted.body.id}/cancel`).set(ops());
    expect(cancelled.status).toBe(200);
    expect(cancelled.body).toMatchObject({ state: 'cancelled', cancelledBy: 'ops:test' });
    const served = await h.apiRequest().get('/v1/employees').set(as(tenant));
    expect(served.status).toBe(200);
    expect(served.body.items).toHaveLength(2);

    const again = await h.cpRequest().post(`/v1/offboardings/${accepted.body.id}/cancel`).set(ops());
    expect(again.status).toBe(409);
    expect(again.body.code).toBe('OFFBOARDING_NOT_CANCELLABLE');
    const audit = await h.cpRequest().get(`/v1/audit?target=${tenant.id}`).set(ops());
    expect(audit.body.items).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ action: 'tenant.offboard', outcome: 'succeeded' }),
        expect.objectContaining({ action: 'tenant.offboard-cancel', outcome: 'succeeded' }),
        expect.objectContaining({ action: 'tenant.offboard-cancel', outcome: 'failed' }),
      ]),
    );
    const listed = await h.cpRequest().get(`/v1/offboardings?tenant=${tenant.slug}`).set(ops());
    expect(listed.body.items.map((o: { id: string }) => o.id)).toEqual([accepted.body.id]);
  });

  it('exports, then erases a tenant once its grace period has passed (the worker); then it cannot be cancelled', async () => {
    const tenant = await h.createTenant('offboard-later', 'database');
    await seed(tenant, 2);
    const accepted = await h
      .cpRequest()
      .post(`/v1/tenants/${tenant.id}/offboarding`)
      .set(ops())
      .send({ grace: '2s', export: true });
    expect(accepted.status).toBe(202);
    expect((await offboarding(accepted.body.id)).body.state).toBe('scheduled');
    expect((await h.apiRequest().get('/v1/tenant').set(as(tenant))).status).toBe(403);

    const done = await waitFor(
      async () => (await offboarding(accepted.body.id)).body as OffboardingBody,
      (o) => ended(o.state),
      { what: 'the worker to erase the tenant', timeout: 30_000, interval: 200 },
    );
    expect(done).toMatchObject({ state: 'done', result: { proof: { rowsFound: 0, leftovers: [] } } });
    expect(new Date(done.startedAt!).getTime()).toBeGreaterThanOrEqual(new Date(done.eraseAfter).getTime());
    expect(
      await h.ownerQuery('postgres', 'SELECT 1 FROM pg_database WHERE datname = $1', [tenant.placement.database]),
    ).toHaveLength(0);
    // The archive was written before anything was erased, and is what the record says.
    const archive = await readFile(join(archives, `${tenant.slug}-${accepted.body.id}.archive`));
    expect(done.export).toEqual({
      requested: true,
      file: join(archives, `${tenant.slug}-${accepted.body.id}.archive`),
      bytes: archive.length,
      sha256: createHash('sha256').update(archive).digest('hex'),
    });
    const exported = await h.cpRequest().get(`/v1/audit?target=${tenant.id}&action=tenant.export`).set(ops());
    expect(exported.body.items).toEqual([expect.objectContaining({ outcome: 'succeeded', actor: 'ops:test' })]);

    const late = await h.cpRequest().post(`/v1/offboardings/${accepted.body.id}/cancel`).set(ops());
    expect(late.status).toBe(409);
    expect(late.body.code).toBe('OFFBOARDING_NOT_CANCELLABLE');
  });

  it('fails an erasure that leaves a row with the tenant id anywhere, and lists where', async () => {
    const tenant = await h.createTenant('offboard-stray', 'schema');
    await seed(tenant, 1);
    // A row with its id where the tenant never lived: in the shared tables of the second server's cell.
    const cell = `${h.config.names.prefix}_cell_east`;
    await withOwnerClient(withDatabase(inject('secondDatabaseUrl'), cell), (c) =>
      c.query("INSERT INTO public.employees (tenant_id, email, full_name) VALUES ($1, 'stray@x.io', 'Stray')", [
        tenant.id,
      ]),
    );
    const accepted = await h.cpRequest().post(`/v1/tenants/${tenant.id}/offboarding`).set(ops()).send({ grace: '0' });
    expect(accepted.status).toBe(202);
    const failed = await waitFor(
      async () => (await offboarding(accepted.body.id)).body as OffboardingBody & { error: string | null },
      (o) => ended(o.state),
      { what: 'the offboarding to end', timeout: 30_000, interval: 200 },
    );
    expect(failed.state).toBe('failed');
    expect(failed.error).toMatch(/1 leftover/);
    const leftover = { server: 'east', database: cell, kind: 'rows', schema: 'public', table: 'employees', rows: 1 };
    expect(failed.result?.proof).toMatchObject({ rowsFound: 1, leftovers: [leftover] });
    const audit = await h.cpRequest().get(`/v1/audit?target=${tenant.id}&action=tenant.erase`).set(ops());
    expect(audit.body.items).toEqual([
      expect.objectContaining({
        outcome: 'failed',
        details: expect.objectContaining({ rowsFound: 1, leftovers: [leftover] }),
      }),
    ]);
  });

  it('CLI: `tenants offboard --grace 0 --export` exports, erases here and prints the proof; a bad duration is a usage error', async () => {
    const tenant = await h.createTenant('offboard-cli', 'shared');
    await seed(tenant, 2);
    const env = cliEnv(h.config, { EXTRA_SERVERS: `east=${inject('secondDatabaseUrl')}`, USAGE_FLUSH_MS: '500' });

    const bad = await runCli(['tenants', 'offboard', tenant.slug, '--grace', '7 days'], env);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('--grace');
    expect((await h.apiRequest().get('/v1/tenant').set(as(tenant))).status).toBe(200);

    const file = join(archives, 'cli.archive');
    const run = await runCli(['tenants', 'offboard', tenant.slug, '--grace', '0', '--export', file], env);
    expect(run.stderr).not.toMatch(/error/i);
    expect(run.code).toBe(0);
    expect(run.stderr).toContain(`exported ${tenant.slug} to ${file} (${(await stat(file)).size} bytes`);
    expect(run.stdout).toContain(`${tenant.slug} erased`);
    expect(run.stdout).toMatch(/databases checked {2}\d+/);
    expect(run.stdout).toMatch(/tables checked {5}\d+ with a tenant_id column/);
    expect(run.stdout).toContain('rows found         0');
    expect(run.stdout).toContain('leftovers          none');

    const { sightings } = await searchEverywhere(tenant.id);
    expect(sightings).toEqual([{ server: 'primary', database: controlDb, what: 'public.offboardings', rows: 1 }]);
  });
});
