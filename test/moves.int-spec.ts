import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { NestExpressApplication } from '@nestjs/platform-express';
import request from 'supertest';
import { createApiApp } from '@apps/api';
import { TenantsRepository, type TenantRecord, type Tier } from '@switchyard/control-plane';
import { DoctorService } from '@switchyard/doctor';
import { MoveRunner, MovesService } from '@switchyard/moves';
import { PlacementCache } from '@switchyard/tenancy';
import { singleRow } from './support/elements';
import { startHarness, type Harness } from './support/harness';
import { listAll, startLoad, type LoadModel } from './support/tenant-load';
import { waitFor } from './support/wait';

/** Rows of the tenant at a location, as the owner sees them (0 when the storage is gone). */
async function rowsAt(h: Harness, tenantId: string, at: { database: string; schema: string }): Promise<number> {
  const db = await h.ownerQuery('postgres', 'SELECT 1 FROM pg_database WHERE datname = $1', [at.database]);
  if (!db.length) return 0;
  const table = await h.ownerQuery<{ present: boolean }>(at.database, 'SELECT to_regclass($1) IS NOT NULL AS present', [
    `"${at.schema}".employees`,
  ]);
  if (!singleRow(table, 'to_regclass row').present) return 0;
  const count = await h.ownerQuery<{ n: number }>(
    at.database,
    `SELECT count(*)::int AS n FROM "${at.schema}".employees WHERE tenant_id = $1`,
    [tenantId],
  );
  return singleRow(count, 'count row').n;
}

/**
 * Waits until each load has had `more` further writes acknowledged: its clients are really at work. Stops
 * early once a load saw an error, which the test's own check of the errors then reports.
 */
async function moreWrites(loads: { model: LoadModel }[], more: number, when: string): Promise<void> {
  const tracked = loads.map(({ model }) => ({ model, from: model.acknowledged }));
  await waitFor(
    () => tracked.map(({ model, from }) => ({ from, now: model.acknowledged, errors: model.errors.length })),
    (all) => all.some((l) => l.errors > 0) || all.every((l) => l.now >= l.from + more),
    { what: `${more} more acknowledged writes per load ${when}`, timeout: 20_000 },
  );
}

describe('online tier moves', () => {
  let h: Harness;
  let stale: NestExpressApplication;
  let runner: MoveRunner;
  const neighbours: TenantRecord[] = [];

  beforeAll(async () => {
    // Moves are run by this test (no background worker); a short cache TTL bounds how long a router can be stale.
    h = await startHarness({ MOVE_WORKER: 'false', TENANT_FREEZE_WAIT_MS: '5000' });
    runner = h.controlPlane.get(MoveRunner);
    neighbours.push(
      await h.createTenant('neighbour-shared', 'shared'),
      await h.createTenant('neighbour-schema', 'schema'),
    );
    // A second tenant API whose placement cache never hears an invalidation: the stale router.
    stale = await createApiApp(h.config);
    await stale.init();
    stale.get(PlacementCache).onModuleDestroy();
  });
  afterAll(async () => {
    await stale?.close();
    await h?.close();
  });

  const seed = async (tenantId: string, n: number) => {
    const auth = { Authorization: `Bearer ${h.tokenFor(tenantId)}` };
    for (let i = 0; i < n; i++)
      expect(
        (
          await h
            .apiRequest()
            .post('/v1/employees')
            .set(auth)
            .send({ email: `seed${i}@m.io`, fullName: `seed ${i}` })
        ).status,
      ).toBe(201);
  };

  const directions: [Tier, Tier][] = [
    ['shared', 'schema'],
    ['schema', 'database'],
    ['database', 'shared'],
    ['shared', 'database'],
    ['database', 'schema'],
    ['schema', 'shared'],
  ];

  it.each(directions)(
    'moves a live tenant %s → %s: every acknowledged write exactly once, no client error, neighbours untouched',
    async (from, to) => {
      const tenant = await h.createTenant(`mv-${from}-${to}`, from);
      await seed(tenant.id, 40);
      const staleRequest = () => request(stale.getHttpServer());
      expect(
        (
          await staleRequest()
            .get('/v1/tenant')
            .set({ Authorization: `Bearer ${h.tokenFor(tenant.id)}` })
        ).status,
      ).toBe(200); // stale router caches the old placement

      const load = startLoad(h, tenant.id, { writers: 3, readers: 1 });
      const staleLoad = startLoad(h, tenant.id, {
        writers: 1,
        readers: 0,
        request: staleRequest,
        label: `stale-${from}-${to}`,
      });
      const neighbourLoads = neighbours.map((n) => ({ n, load: startLoad(h, n.id, { writers: 1, readers: 0 }) }));
      await moreWrites([load, staleLoad, ...neighbourLoads.map((l) => l.load)], 3, 'before the move');

      const move = await h.controlPlane.get(MovesService).request(tenant.id, { tier: to });
      const done = await runner.execute(move.id);
      // Writes keep going at the new placement, through the up-to-date router and the stale one.
      await moreWrites([load, staleLoad], 3, 'after the move');
      const model = await load.stop();
      const staleModel = await staleLoad.stop();
      const neighbourModels = await Promise.all(
        neighbourLoads.map(async (l) => ({ n: l.n, model: await l.load.stop() })),
      );

      expect(done).toMatchObject({ state: 'done', error: null, rowsTotal: done.rowsCopied });
      expect(done.rowsCopied).toBeGreaterThanOrEqual(40);
      expect(done.freezeMs).toBeGreaterThanOrEqual(0);
      expect([...model.errors, ...staleModel.errors]).toEqual([]);
      expect(model.acknowledged).toBeGreaterThan(10);

      const after = (await h.controlPlane.get(TenantsRepository).findById(tenant.id))!;
      expect(after).toMatchObject({ tier: to, version: tenant.version + 1, state: 'ready' });
      const expected = new Map([...model.alive, ...staleModel.alive]);
      const listed = await listAll(h, tenant.id);
      for (const [id, fullName] of expected) expect(listed.get(id)).toBe(fullName);
      for (const id of [...model.deleted, ...staleModel.deleted]) expect(listed.has(id)).toBe(false);
      // Exactly the acknowledged rows (plus the seed), once each, at the new location — none left behind.
      expect(listed.size).toBe(40 + expected.size);
      expect(await rowsAt(h, tenant.id, after.placement)).toBe(listed.size);
      expect(await rowsAt(h, tenant.id, tenant.placement)).toBe(0);
      // The stale router was fenced off the old location and carried on at the new one.
      expect(staleModel.acknowledged).toBeGreaterThan(0);

      for (const { n, model: neighbourModel } of neighbourModels) {
        expect(neighbourModel.errors, n.slug).toEqual([]);
        const rows = await listAll(h, n.id);
        for (const [id, name] of neighbourModel.alive) expect(rows.get(id)).toBe(name);
      }
    },
  );

  /** Moves `tenant` to `to` (no load), and returns the move's final record. */
  const moveTo = async (tenant: TenantRecord, to: Tier) =>
    runner.execute((await h.controlPlane.get(MovesService).request(tenant.id, { tier: to })).id);

  it('leaves a fleet the doctor finds clean (capture gone, fences and old storage handled)', async () => {
    // A tour through every tier, back to where it started: each location it left is fenced or removed.
    const tenant = await h.createTenant('doctor-tour', 'shared');
    await seed(tenant.id, 5);
    for (const to of ['schema', 'database', 'shared'] as const)
      expect(await moveTo(tenant, to), `to ${to}`).toMatchObject({ state: 'done', error: null });
    const report = await h.controlPlane.get(DoctorService).run();
    expect(report.findings).toEqual([]);
  });

  it('reports progress and the freeze on the move record', async () => {
    const tenant = await h.createTenant('progress-report', 'shared');
    await seed(tenant.id, 40);
    const move = await moveTo(tenant, 'database');
    expect(move).toMatchObject({ state: 'done', rowsCopied: 40, rowsTotal: 40 });
    expect(move.freezeMs).toBeGreaterThanOrEqual(0);
    expect(move.finishedAt).not.toBeNull();
  });
});
