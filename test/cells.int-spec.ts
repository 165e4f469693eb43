import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { TenantsRepository, type TenantRecord } from '@switchyard/control-plane';
import { FleetTargets } from '@switchyard/migrations';
import { MoveRunner, MovesService } from '@switchyard/moves';
import { startHarness, type Harness } from './support/harness';
import { listAll, startLoad } from './support/tenant-load';
import { cliEnv, runCli } from './support/cli';
import { waitFor } from './support/wait';

describe('shared cells on several servers', () => {
  let h: Harness;
  const ops = () => ({ Authorization: `Bearer ${h.opsToken()}` });
  const create = async (body: Record<string, string>) =>
    h
      .cpRequest()
      .post('/v1/tenants')
      .set(ops())
      .send({ name: body.slug, ...body });

  beforeAll(async () => {
    h = await startHarness({ EXTRA_SERVERS: `east=${inject('secondDatabaseUrl')}`, MOVE_WORKER: 'false' });
  });
  afterAll(() => h?.close());

  it('adds a cell on another server, installed and migrated like the main one', async () => {
    const added = await h.cpRequest().post('/v1/cells').set(ops()).send({ name: 'east-1', server: 'east' });
    expect(added.status).toBe(201);
    expect(added.body).toMatchObject({ name: 'east-1', server: 'east' });
    const listed = await h.cpRequest().get('/v1/cells').set(ops());
    expect(listed.body.items.map((c: { name: string; server: string }) => `${c.name}@${c.server}`)).toEqual([
      'east-1@east',
      'main@primary',
    ]);
    const targets = await h.controlPlane.get(FleetTargets).list({ tiers: ['shared'] });
    expect(targets.map((t) => `${t.server}/${t.database}`)).toContain(`east/${added.body.database}`);
    // Refusals: an unknown server, a bad name, the same name on another server.
    for (const [body, status] of [
      [{ name: 'west-1', server: 'west' }, 400],
      [{ name: 'East!', server: 'east' }, 400],
      [{ name: 'east-1', server: 'primary' }, 400],
    ] as const)
      expect((await h.cpRequest().post('/v1/cells').set(ops()).send(body)).status).toBe(status);
    const audit = await h.cpRequest().get('/v1/audit?action=cell.create').set(ops());
    expect(audit.body.items.map((e: { outcome: string }) => e.outcome).sort()).toEqual([
      'failed',
      'failed',
      'failed',
      'succeeded',
    ]);
  });

  it('places shared and schema tenants explicitly, or in the least loaded cell', async () => {
    const explicit = await create({ slug: 'in-east', tier: 'schema', cell: 'east-1' });
    expect(explicit.status).toBe(201);
    expect(explicit.body.placement).toMatchObject({ server: 'east' });
    const byServer = await create({ slug: 'on-east', tier: 'shared', server: 'east' });
    expect(byServer.body.placement).toMatchObject({ server: 'east', schema: 'public' });
    // east-1 now holds two tenants and main none: the next ones go to main until it holds more (ties: main).
    const placed: string[] = [];
    for (const slug of ['auto-a', 'auto-b', 'auto-c', 'auto-d']) {
      const res = await create({ slug, tier: 'shared' });
      expect(res.status).toBe(201);
      placed.push(res.body.placement.server);
    }
    expect(placed).toEqual(['primary', 'primary', 'primary', 'east']);
    expect((await create({ slug: 'nowhere', tier: 'shared', cell: 'nope' })).body.code).toBe('CELL_NOT_FOUND');
    const mismatch = await create({ slug: 'mismatch', tier: 'shared', cell: 'east-1', server: 'primary' });
    expect(mismatch.status).toBe(400);
    // Served like any tenant: a write and a read through the tenant API.
    const auth = { Authorization: `Bearer ${h.tokenFor(explicit.body.id)}` };
    const written = await h.apiRequest().post('/v1/employees').set(auth).send({ email: 'e@east.io', fullName: 'E' });
    expect(written.status).toBe(201);
    expect((await h.apiRequest().get(`/v1/employees/${written.body.id}`).set(auth)).status).toBe(200);
  });

  async function moveUnderWrites(
    tenant: TenantRecord,
    to: { tier: TenantRecord['tier']; cell?: string; server?: string },
  ) {
    const auth = { Authorization: `Bearer ${h.tokenFor(tenant.id)}` };
    for (let i = 0; i < 20; i++)
      await h
        .apiRequest()
        .post('/v1/employees')
        .set(auth)
        .send({ email: `${tenant.slug}-${i}@cells.io`, fullName: `${i}` });
    const before = (await listAll(h, tenant.id)).size;
    const load = startLoad(h, tenant.id, { writers: 2, readers: 1 });
    await waitFor(
      () => ({ acknowledged: load.model.acknowledged, errors: load.model.errors.length }),
      (m) => m.acknowledged >= 3 || m.errors > 0,
      { what: 'the load to have writes acknowledged', timeout: 20_000 },
    );
    const move = await h.controlPlane.get(MovesService).request(tenant.slug, to);
    const done = await h.controlPlane.get(MoveRunner).execute(move.id);
    const model = await load.stop();
    expect(done).toMatchObject({ state: 'done', error: null });
    expect(model.errors).toEqual([]);
    const listed = await listAll(h, tenant.id);
    expect(listed.size).toBe(before + model.alive.size);
    for (const [id, name] of model.alive) expect(listed.get(id)).toBe(name);
    return (await h.controlPlane.get(TenantsRepository).findById(tenant.id))!;
  }

  it('moves a shared tenant to a cell on another server, and a schema tenant back, under writes', async () => {
    const created = await create({ slug: 'cell-hopper', tier: 'shared', cell: 'main' });
    const shared = (await h.controlPlane.get(TenantsRepository).findById(created.body.id))!;
    const movedShared = await moveUnderWrites(shared, { tier: 'shared', cell: 'east-1' });
    expect(movedShared.placement).toMatchObject({ server: 'east', schema: 'public' });
    expect(movedShared.placement.database).not.toBe(shared.placement.database);

    const schema = (await h.controlPlane.get(TenantsRepository).findBySlug('in-east'))!;
    const movedSchema = await moveUnderWrites(schema, { tier: 'schema', server: 'primary' });
    expect(movedSchema.placement).toMatchObject({ server: 'primary', database: h.config.names.sharedDatabase });

    // Changing tier without naming a place keeps the tenant in its cell.
    const toSchema = await moveUnderWrites(movedShared, { tier: 'schema' });
    expect(toSchema.placement).toMatchObject({ server: 'east', database: movedShared.placement.database });
  });

  it('drains a server holding tenants of every tier, under writes, from the CLI', async () => {
    const silo = await create({ slug: 'east-silo', tier: 'database', server: 'east' });
    expect(silo.body.placement.server).toBe('east');
    const repo = h.controlPlane.get(TenantsRepository);
    const onEast = (await repo.all()).filter((t) => t.placement.server === 'east');
    expect(new Set(onEast.map((t) => t.tier))).toEqual(new Set(['shared', 'schema', 'database']));
    const rowsBefore = new Map<string, number>();
    for (const t of onEast) rowsBefore.set(t.id, (await listAll(h, t.id)).size);
    const writer = onEast.find((t) => t.tier === 'shared')!;
    const load = startLoad(h, writer.id, { writers: 1, readers: 1 });

    const env = cliEnv(h.config, { EXTRA_SERVERS: `east=${inject('secondDatabaseUrl')}` });
    const drained = await runCli(['servers', 'drain', 'east', '--concurrency', '2'], env, 180_000);
    const model = await load.stop();
    expect(drained.stderr).toContain(`draining east: ${onEast.length} moves`);
    expect(drained.stdout).toContain(`${onEast.length} of ${onEast.length} tenants moved off east`);
    expect(drained.code).toBe(0);
    expect(model.errors).toEqual([]);

    const servers = await h.cpRequest().get('/v1/servers').set(ops());
    const east = servers.body.items.find((s: { name: string }) => s.name === 'east');
    expect(east.tenants).toEqual({ shared: 0, schema: 0, database: 0 });
    expect(east.cells.map((c: { name: string }) => c.name)).toEqual(['east-1']);
    expect(east.live.maxConnections).toBeGreaterThan(0);
    for (const t of onEast) {
      const after = (await repo.findById(t.id))!;
      expect(after).toMatchObject({ tier: t.tier, placement: { server: 'primary' } });
      const expected = rowsBefore.get(t.id)! + (t.id === writer.id ? model.alive.size : 0);
      expect((await listAll(h, t.id)).size).toBe(expected);
    }
    // Nothing left: a second drain (through the API) has nothing to move.
    const again = await h.cpRequest().post('/v1/servers/east/drain').set(ops());
    expect(again.status).toBe(202);
    expect(again.body).toMatchObject({ server: 'east', moves: [], skipped: [] });
    expect((await h.cpRequest().post('/v1/servers/west/drain').set(ops())).status).toBe(400);
  }, 240_000);
});
