import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MovesRepository, TenantsRepository, type TenantRecord } from '@switchyard/control-plane';
import { MoveRunner, MovesService } from '@switchyard/moves';
import { withDatabase } from '@switchyard/postgres';
import { Client } from 'pg';
import { startHarness, type Harness } from './support/harness';

/** Moves meeting what operators and databases do to them: a cancel mid-copy, a long transaction. */
describe('moves under interference', () => {
  let h: Harness;
  let moves: MovesRepository;
  const ops = () => ({ Authorization: `Bearer ${h.opsToken()}` });

  beforeAll(async () => {
    // The control plane's worker runs API-requested moves; trigger DDL gives up a lock after 200 ms.
    h = await startHarness({ MOVE_LOCK_TIMEOUT_MS: '200', MOVE_LOCK_RETRIES: '100' });
    moves = h.controlPlane.get(MovesRepository);
  });
  afterAll(() => h?.close());

  async function bigTenant(slug: string, n: number): Promise<TenantRecord> {
    const tenant = await h.createTenant(slug, 'shared');
    await h.ownerQuery(
      tenant.placement.database,
      `INSERT INTO employees (tenant_id, id, email, full_name)
       SELECT $1, gen_random_uuid(), 'p' || i || '@big.io', 'Person ' || i FROM generate_series(1, $2) AS i`,
      [tenant.id, n],
    );
    return tenant;
  }
  const ended = (m: { state: string } | undefined) => ['done', 'failed', 'cancelled'].includes(m?.state ?? '');

  it('a cancel during the copy of a large tenant stops the copy on both servers; the tenant can be moved again at once', async () => {
    const tenant = await bigTenant('cancel-big', 600_000);
    const start = await h.cpRequest().post(`/v1/tenants/${tenant.id}/moves`).set(ops()).send({ tier: 'database' });
    expect(start.status).toBe(202);
    await expect
      .poll(() => moves.findById(start.body.id), { timeout: 60_000 })
      .toMatchObject({ state: 'copying', rowsCopied: expect.any(Number) });
    await expect
      .poll(async () => (await moves.findById(start.body.id))!.rowsCopied, { timeout: 60_000 })
      .toBeGreaterThan(0);
    expect((await h.cpRequest().post(`/v1/moves/${start.body.id}/cancel`).set(ops())).status).toBe(202);

    await expect.poll(() => moves.findById(start.body.id), { timeout: 30_000 }).toSatisfy(ended);
    const cancelled = (await moves.findById(start.body.id))!;
    expect(cancelled).toMatchObject({ state: 'cancelled', error: null });
    // Stopped mid-copy, not after it: the copy's last progress report is short of the total.
    expect(cancelled.rowsCopied).toBeLessThan(cancelled.rowsTotal);
    expect(await h.controlPlane.get(TenantsRepository).findById(tenant.id)).toMatchObject({
      tier: 'shared',
      state: 'ready',
      version: 1,
    });
    // No session of the move lingers on either server (an aborted COPY left idle in transaction would).
    const lingering = await h.ownerQuery(
      'postgres',
      "SELECT pid, datname, state FROM pg_stat_activity WHERE application_name = 'switchyard-owner' AND state LIKE 'idle in transaction%'",
    );
    expect(lingering).toEqual([]);

    const again = await h.cpRequest().post(`/v1/tenants/${tenant.id}/moves`).set(ops()).send({ tier: 'schema' });
    expect(again.status).toBe(202);
    await expect.poll(() => moves.findById(again.body.id), { timeout: 120_000 }).toSatisfy(ended);
    expect(await moves.findById(again.body.id)).toMatchObject({ state: 'done', rowsCopied: 600_000 });
  }, 240_000);

  it("a long transaction on a shared table never queues the table's other writers behind a move's trigger DDL", async () => {
    const mover = await h.createTenant('lock-mover', 'shared');
    const blocker = await h.createTenant('lock-blocker', 'shared');
    const neighbour = await h.createTenant('lock-neighbour', 'shared');
    // Someone's long transaction holds a write lock on the shared employees table.
    const long = new Client({
      connectionString: withDatabase(h.config.databaseUrl, h.config.names.sharedDatabase),
      application_name: 'long-tx',
    });
    await long.connect();
    try {
      await long.query('BEGIN');
      await long.query("INSERT INTO employees (tenant_id, email, full_name) VALUES ($1, 'long@tx.io', 'Long')", [
        blocker.id,
      ]);

      const move = await h.controlPlane
        .get(MovesService)
        .request(mover.id, { tier: 'schema', worker: h.controlPlane.get(MoveRunner).worker });
      const running = h.controlPlane.get(MoveRunner).execute(move.id);
      // The move's capture DDL is now queued behind the long transaction.
      await expect
        .poll(
          async () =>
            (
              await h.ownerQuery(
                h.config.names.sharedDatabase,
                "SELECT 1 FROM pg_locks l JOIN pg_class c ON c.oid = l.relation WHERE c.relname = 'employees' AND NOT l.granted",
              )
            ).length,
          { timeout: 30_000, interval: 20 },
        )
        .toBeGreaterThan(0);

      // The neighbour's writes still go through, while the long transaction is open.
      const auth = { Authorization: `Bearer ${h.tokenFor(neighbour.id)}` };
      for (let i = 0; i < 5; i++) {
        const res = await h
          .apiRequest()
          .post('/v1/employees')
          .set(auth)
          .send({ email: `n${i}@lock.io`, fullName: `N ${i}` });
        expect(res.status).toBe(201);
      }
      expect(await moves.findById(move.id)).toMatchObject({ state: 'copying' }); // still waiting for the lock

      await long.query('COMMIT');
      expect(await running).toMatchObject({ state: 'done', error: null });
    } finally {
      await long.end();
    }
  }, 120_000);
});
