import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { TenantsRepository } from '@switchyard/control-plane';
import { MoveRunner, MovesService } from '@switchyard/moves';
import { startHarness, type Harness } from './support/harness';
import { listAll, startLoad } from './support/tenant-load';
import { waitFor } from './support/wait';

describe('moves between servers', () => {
  let h: Harness;
  const ops = () => ({ Authorization: `Bearer ${h.opsToken()}` });

  beforeAll(async () => {
    h = await startHarness({ EXTRA_SERVERS: `east=${inject('secondDatabaseUrl')}`, MOVE_WORKER: 'false' });
  });
  afterAll(() => h?.close());

  it('registers the extra server and places database tenants on it', async () => {
    const servers = await h.cpRequest().get('/v1/servers').set(ops());
    expect(servers.body.items.map((s: { name: string }) => s.name)).toEqual(['east', 'primary']);
    const created = await h
      .cpRequest()
      .post('/v1/tenants')
      .set(ops())
      .send({ slug: 'born-east', name: 'East', tier: 'database', server: 'east' });
    expect(created.status).toBe(201);
    expect(created.body.placement.server).toBe('east');
    const auth = { Authorization: `Bearer ${h.tokenFor(created.body.id)}` };
    expect(
      (await h.apiRequest().post('/v1/employees').set(auth).send({ email: 'e@east.io', fullName: 'East' })).status,
    ).toBe(201);
    const shared = await h
      .cpRequest()
      .post('/v1/tenants')
      .set(ops())
      .send({ slug: 'shared-east', name: 'No', tier: 'shared', server: 'east' });
    expect(shared.status).toBe(400);
  });

  it('moves a live database tenant to another server without losing a write', async () => {
    const tenant = await h.createTenant('to-the-east', 'database');
    const auth = { Authorization: `Bearer ${h.tokenFor(tenant.id)}` };
    for (let i = 0; i < 30; i++)
      await h
        .apiRequest()
        .post('/v1/employees')
        .set(auth)
        .send({ email: `s${i}@x.io`, fullName: `s${i}` });
    const load = startLoad(h, tenant.id, { writers: 2, readers: 1 });
    // The load is under way (or failing, which the check of its errors below reports) before the move.
    await waitFor(
      () => ({ acknowledged: load.model.acknowledged, errors: load.model.errors.length }),
      (m) => m.acknowledged >= 3 || m.errors > 0,
      { what: 'the load to have writes acknowledged', timeout: 20_000 },
    );
    const move = await h.controlPlane.get(MovesService).request(tenant.slug, { tier: 'database', server: 'east' });
    const done = await h.controlPlane.get(MoveRunner).execute(move.id);
    const model = await load.stop();
    expect(done).toMatchObject({ state: 'done', error: null, fromServer: 'primary', toServer: 'east' });
    expect(model.errors).toEqual([]);
    const after = (await h.controlPlane.get(TenantsRepository).findById(tenant.id))!;
    expect(after.placement).toMatchObject({ server: 'east', database: tenant.placement.database });
    const listed = await listAll(h, tenant.id);
    expect(listed.size).toBe(30 + model.alive.size);
    for (const [id, name] of model.alive) expect(listed.get(id)).toBe(name);
    expect(
      await h.ownerQuery('postgres', 'SELECT 1 FROM pg_database WHERE datname = $1', [tenant.placement.database]),
    ).toHaveLength(0);

    const back = await h
      .cpRequest()
      .post(`/v1/tenants/${tenant.id}/moves`)
      .set(ops())
      .send({ tier: 'schema', server: 'east' });
    expect(back.status).toBe(400);
  });
});
