import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MovesRepository, TenantsRepository, type TenantRecord } from '@switchyard/control-plane';
import { tenantStorageNames } from '@switchyard/postgres';
import { cliEnv, spawnCli } from './support/cli';
import { startHarness, type Harness } from './support/harness';
import { MigrationsDir } from './support/migrations-dir';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('move lifecycle', () => {
  let h: Harness;
  let dir: MigrationsDir;
  const ops = () => ({ Authorization: `Bearer ${h.opsToken()}` });

  beforeAll(async () => {
    dir = new MigrationsDir();
    // The control plane's worker runs API-requested moves; a dead worker's move is taken over after 1 s.
    h = await startHarness({ MIGRATIONS_DIR: dir.path, MOVE_STALE_MS: '1000' });
  });
  afterAll(async () => {
    await h?.close();
    dir?.dispose();
  });

  /** A tenant with `n` employees loaded as the owner (fast), and the digest of its rows. */
  async function bigTenant(slug: string, tier: 'shared' | 'schema' | 'database', n: number): Promise<TenantRecord> {
    const tenant = await h.createTenant(slug, tier);
    await h.ownerQuery(
      tenant.placement.database,
      `INSERT INTO "${tenant.placement.schema}".employees (tenant_id, id, email, full_name)
       SELECT $1, gen_random_uuid(), 'p' || i || '@big.io', 'Person ' || i FROM generate_series(1, $2) AS i`,
      [tenant.id, n],
    );
    return tenant;
  }
  const digest = async (t: { id: string; placement: { database: string; schema: string } }) =>
    (
      await h.ownerQuery(
        t.placement.database,
        `SELECT count(*)::int AS n, md5(string_agg(id::text || full_name, ',' ORDER BY id)) AS h FROM "${t.placement.schema}".employees WHERE tenant_id = $1`,
        [t.id],
      )
    )[0];
  const current = async (id: string) => (await h.controlPlane.get(TenantsRepository).findById(id))!;
  async function until<T>(fn: () => Promise<T>, ok: (v: T) => boolean, timeoutMs = 30_000): Promise<T> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const value = await fn();
      if (ok(value) || Date.now() > deadline) return value;
      await sleep(50);
    }
  }

  it('moves through the API: 202, progress, done, audited', async () => {
    const tenant = await bigTenant('api-move', 'shared', 500);
    const before = await digest(tenant);
    const res = await h.cpRequest().post(`/v1/tenants/${tenant.slug}/moves`).set(ops()).send({ tier: 'database' });
    expect(res.status).toBe(202);
    expect(res.body).toMatchObject({
      tenantId: tenant.id,
      state: 'pending',
      from: { tier: 'shared' },
      to: { tier: 'database', schema: 'public' },
    });
    const done = await until(
      () => h.cpRequest().get(`/v1/moves/${res.body.id}`).set(ops()),
      (r) => ['done', 'failed', 'cancelled'].includes(r.body.state),
    );
    expect(done.body).toMatchObject({ state: 'done', phase: 'done', rowsCopied: 500, rowsTotal: 500, error: null });
    expect(done.body.freezeMs).toBeGreaterThanOrEqual(0);
    const moved = await current(tenant.id);
    expect(moved).toMatchObject({ tier: 'database', version: 2 });
    expect(await digest(moved)).toEqual(before);
    const listed = await h.cpRequest().get(`/v1/moves?tenant=${tenant.slug}`).set(ops());
    expect(listed.body.items.map((m: { id: string }) => m.id)).toContain(res.body.id);
    const audit = await h.cpRequest().get('/v1/audit?action=tenant.move').set(ops());
    expect(audit.body.items[0]).toMatchObject({ target: tenant.id, targetSlug: tenant.slug, outcome: 'succeeded' });
  });

  it('refuses a move that changes nothing, a second move, an unknown server, and a target behind in schema version', async () => {
    const tenant = await h.createTenant('refusals', 'schema');
    const same = await h.cpRequest().post(`/v1/tenants/${tenant.id}/moves`).set(ops()).send({ tier: 'schema' });
    expect(same.status).toBe(409);
    expect(same.body.code).toBe('MOVE_NOT_NEEDED');
    expect(
      (
        await h
          .cpRequest()
          .post(`/v1/tenants/${tenant.id}/moves`)
          .set(ops())
          .send({ tier: 'shared', server: 'nowhere' })
      ).status,
    ).toBe(400);
    expect((await h.cpRequest().post(`/v1/tenants/${tenant.id}/moves`).set(ops()).send({ tier: 'cloud' })).status).toBe(
      400,
    );
    expect(
      (await h.cpRequest().post(`/v1/tenants/${crypto.randomUUID()}/moves`).set(ops()).send({ tier: 'shared' })).status,
    ).toBe(404);

    // Two at once: the second is refused while the first is active.
    const big = await bigTenant('twice', 'shared', 20_000);
    const first = await h.cpRequest().post(`/v1/tenants/${big.id}/moves`).set(ops()).send({ tier: 'schema' });
    const second = await h.cpRequest().post(`/v1/tenants/${big.id}/moves`).set(ops()).send({ tier: 'database' });
    expect(first.status).toBe(202);
    expect(second.status).toBe(409);
    expect(second.body.code).toBe('TENANT_MOVING');
    await until(
      () => h.controlPlane.get(MovesRepository).findById(first.body.id),
      (m) => m?.state === 'done',
    );

    // A migration the tenant's storage has not received yet: a new schema would be ahead of it.
    dir.add('0002_behind', 'ALTER TABLE "employees" ADD COLUMN "behind" text;');
    const behind = await h.cpRequest().post(`/v1/tenants/${tenant.id}/moves`).set(ops()).send({ tier: 'database' });
    expect(behind.status).toBe(409);
    expect(behind.body).toMatchObject({ code: 'SCHEMA_VERSION_MISMATCH' });
    expect(behind.body.detail).toMatch(/switchyard migrate/);
    dir.remove('0002_behind');
  });

  it('cancel mid-copy leaves the tenant where it was and removes the partial copy', async () => {
    const tenant = await bigTenant('cancel-me', 'shared', 150_000);
    const before = await digest(tenant);
    const start = await h.cpRequest().post(`/v1/tenants/${tenant.id}/moves`).set(ops()).send({ tier: 'schema' });
    await until(
      () => h.controlPlane.get(MovesRepository).findById(start.body.id),
      (m) => m?.state === 'copying',
    );
    const cancel = await h.cpRequest().post(`/v1/moves/${start.body.id}/cancel`).set(ops());
    expect(cancel.status).toBe(202);
    const end = await until(
      () => h.controlPlane.get(MovesRepository).findById(start.body.id),
      (m) => ['done', 'failed', 'cancelled'].includes(m!.state),
    );
    expect(end).toMatchObject({ state: 'cancelled' });
    expect(await current(tenant.id)).toMatchObject({ tier: 'shared', version: 1, state: 'ready' });
    const schema = tenantStorageNames(tenant.id).schema;
    expect(
      await h.ownerQuery(h.config.names.sharedDatabase, 'SELECT 1 FROM pg_namespace WHERE nspname = $1', [schema]),
    ).toHaveLength(0);
    expect(await digest(tenant)).toEqual(before);
    expect((await h.cpRequest().post(`/v1/moves/${start.body.id}/cancel`).set(ops())).status).toBe(409);
    // Still fully usable where it is.
    const auth = { Authorization: `Bearer ${h.tokenFor(tenant.id)}` };
    expect(
      (await h.apiRequest().post('/v1/employees').set(auth).send({ email: 'after@cancel.io', fullName: 'After' }))
        .status,
    ).toBe(201);
  });

  it.each(['copying', 'catching_up', 'cutover', 'verifying', 'cleaning_up'])(
    'a runner killed in %s is taken over: the move completes (or had rolled back and restarts) and no row is lost',
    async (phase) => {
      const tenant = await bigTenant(`crash-${phase.replace('_', '-')}`, 'schema', 30_000);
      const before = await digest(tenant);
      // The CLI runs the move itself, pausing 1.5 s on entering each phase so it can be killed there.
      const { child, done } = spawnCli(
        ['tenants', 'move', tenant.slug, '--to', 'database', '--wait'],
        cliEnv(h.config, { MIGRATIONS_DIR: dir.path, MOVE_STALE_MS: '1000', MOVE_PHASE_DELAY_MS: '1500' }),
      );
      const moves = h.controlPlane.get(MovesRepository);
      const seen = await until(
        async () => (await moves.list({ tenantId: tenant.id, limit: 1 }))[0],
        (m) => m?.state === phase,
        30_000,
      );
      child.kill('SIGKILL');
      expect((await done).killed).toBe(true);
      expect(seen?.state).toBe(phase);
      // The control plane's worker takes the move over once the dead runner's heartbeat is stale.
      const end = await until(
        () => moves.findById(seen!.id),
        (m) => m?.state === 'done' || m?.state === 'failed',
        60_000,
      );
      expect(end).toMatchObject({ state: 'done', error: null });
      const moved = await current(tenant.id);
      expect(moved).toMatchObject({ tier: 'database', state: 'ready', version: tenant.version + 1 });
      expect(await digest(moved)).toEqual(before);
      expect(
        await h.ownerQuery(h.config.names.sharedDatabase, 'SELECT 1 FROM pg_namespace WHERE nspname = $1', [
          tenant.placement.schema,
        ]),
      ).toHaveLength(0);
      const auth = { Authorization: `Bearer ${h.tokenFor(tenant.id)}` };
      expect(
        (await h.apiRequest().post('/v1/employees').set(auth).send({ email: 'after@crash.io', fullName: 'After' }))
          .status,
      ).toBe(201);
    },
    120_000,
  );
});
