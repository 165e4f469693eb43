import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MovesRepository, TenantsRepository, type TenantRecord } from '@switchyard/control-plane';
import { tenantStorageNames } from '@switchyard/postgres';
import { cliEnv, spawnCli, type CliResult } from './support/cli';
import { singleRow } from './support/elements';
import { startHarness, type Harness } from './support/harness';
import { MigrationsDir } from './support/migrations-dir';
import { waitForMove } from './support/moves';
import { waitFor } from './support/wait';

/** The states a move goes through, in order. */
const PHASES = ['pending', 'copying', 'catching_up', 'cutover', 'verifying', 'cleaning_up', 'done'];
const pastPhase = (state: string, phase: string) => PHASES.indexOf(state) > PHASES.indexOf(phase);

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
    singleRow(
      await h.ownerQuery(
        t.placement.database,
        `SELECT count(*)::int AS n, md5(string_agg(id::text || full_name, ',' ORDER BY id)) AS h FROM "${t.placement.schema}".employees WHERE tenant_id = $1`,
        [t.id],
      ),
      'digest',
    );
  const current = async (id: string) => {
    const tenant = await h.controlPlane.get(TenantsRepository).findById(id);
    if (!tenant) throw new Error(`tenant ${id} is gone`);
    return tenant;
  };

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
    const done = await waitFor(
      async () => (await h.cpRequest().get(`/v1/moves/${res.body.id}`).set(ops())).body,
      (move) => ['done', 'failed', 'cancelled'].includes(move.state),
      { what: `move ${res.body.id} to end` },
    );
    expect(done).toMatchObject({ state: 'done', phase: 'done', rowsCopied: 500, rowsTotal: 500, error: null });
    expect(done.freezeMs).toBeGreaterThanOrEqual(0);
    const moved = await current(tenant.id);
    expect(moved).toMatchObject({ tier: 'database', version: 2 });
    expect(await digest(moved)).toEqual(before);
    const listed = await h.cpRequest().get(`/v1/moves?tenant=${tenant.slug}`).set(ops());
    expect(listed.body.items.map((m: { id: string }) => m.id)).toContain(res.body.id);
    const audit = await h.cpRequest().get(`/v1/audit?action=tenant.move&target=${tenant.id}`).set(ops());
    expect(audit.body.items).toMatchObject([{ target: tenant.id, targetSlug: tenant.slug, outcome: 'succeeded' }]);
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
    expect(await waitForMove(h, first.body.id, 'ended')).toMatchObject({ state: 'done' });

    // A migration the tenant's storage has not received yet: a new schema would be ahead of it.
    dir.add('0002_behind', 'ALTER TABLE "employees" ADD COLUMN "behind" text;');
    try {
      const behind = await h.cpRequest().post(`/v1/tenants/${tenant.id}/moves`).set(ops()).send({ tier: 'database' });
      expect(behind.status).toBe(409);
      expect(behind.body).toMatchObject({ code: 'SCHEMA_VERSION_MISMATCH' });
      expect(behind.body.detail).toMatch(/switchyard migrate/);
    } finally {
      dir.remove('0002_behind'); // the other tests move tenants at the current version
    }
  });

  it('cancel mid-copy leaves the tenant where it was and removes the partial copy', async () => {
    const tenant = await bigTenant('cancel-me', 'shared', 150_000);
    const before = await digest(tenant);
    const start = await h.cpRequest().post(`/v1/tenants/${tenant.id}/moves`).set(ops()).send({ tier: 'schema' });
    await waitForMove(h, start.body.id, 'copying');
    const cancel = await h.cpRequest().post(`/v1/moves/${start.body.id}/cancel`).set(ops());
    expect(cancel.status).toBe(202);
    expect(await waitForMove(h, start.body.id, 'ended')).toMatchObject({ state: 'cancelled' });
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
      let exited: CliResult | undefined;
      void done.then((result) => (exited = result));
      const moves = h.controlPlane.get(MovesRepository);
      const seen = await waitFor(
        async () => (await moves.list({ tenantId: tenant.id, limit: 1 }))[0],
        // Stop waiting, and say why below, once the CLI ended on its own or the move went past the phase.
        (m) => exited !== undefined || (m !== undefined && (m.state === phase || pastPhase(m.state, phase))),
        { what: `the CLI's move of ${tenant.slug} to enter ${phase}` },
      );
      if (exited) throw new Error(`the CLI ended before ${phase} (${exited.code}): ${exited.stderr}`);
      child.kill('SIGKILL');
      expect((await done).killed).toBe(true);
      // It pauses 1.5 s in each phase; seeing it later than that means this poll was starved.
      expect(seen?.state, `the move was seen in ${seen?.state}, past ${phase}`).toBe(phase);
      // A runner's id starts with its pid. A CLI whose heartbeat stalled past MOVE_STALE_MS (1 s here) on a
      // busy machine has had its move taken over while still running, and then both act on it (a defect
      // of MoveRunner: it does not stop once its claim is lost): say so rather than fail further on.
      expect(seen?.worker, 'the control plane took the move over from the live CLI').toMatch(
        new RegExp(`^${child.pid}-`),
      );
      // The control plane's worker takes the move over once the dead runner's heartbeat is stale.
      const end = await waitForMove(h, seen!.id, 'ended', 60_000);
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
