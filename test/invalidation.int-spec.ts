import { EventEmitter } from 'node:events';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { controlPlaneUrl, PlacementInvalidations, TenantsRepository } from '@switchyard/control-plane';
import { withOwnerClient } from '@switchyard/postgres';
import { startHarness, type Harness } from './support/harness';

const redisUrl = inject('redisUrl');

/** Collects what one PlacementInvalidations instance hears, on a private bus (it stands for a process). */
function listenerOn(channels: ConstructorParameters<typeof PlacementInvalidations>[0]) {
  const instance = new PlacementInvalidations(channels, new EventEmitter());
  const heard = { tenants: [] as string[], resets: 0 };
  instance.subscribe({ tenant: (id) => heard.tenants.push(id), all: () => heard.resets++ });
  return { instance, heard };
}

describe('placement invalidation', () => {
  let h: Harness;
  const instances: PlacementInvalidations[] = [];

  beforeAll(async () => {
    h = await startHarness();
  });
  afterAll(async () => {
    await Promise.all(instances.map((i) => i.onApplicationShutdown()));
    await h?.close();
  });

  it('a suspension made through the control plane is seen at once by the API of the same process', async () => {
    const tenant = await h.createTenant('seen-at-once', 'schema');
    const auth = { Authorization: `Bearer ${h.tokenFor(tenant.id)}` };
    const ops = { Authorization: `Bearer ${h.opsToken()}` };
    expect((await h.apiRequest().get('/v1/employees').set(auth)).status).toBe(200); // placement now cached
    expect((await h.cpRequest().patch(`/v1/tenants/${tenant.id}`).set(ops).send({ status: 'suspended' })).status).toBe(
      200,
    );
    const suspended = await h.apiRequest().get('/v1/employees').set(auth);
    expect(suspended.status).toBe(403);
    expect(suspended.body.detail).toMatch(/suspended/);
    expect((await h.cpRequest().patch(`/v1/tenants/${tenant.slug}`).set(ops).send({ status: 'active' })).status).toBe(
      200,
    );
    expect((await h.apiRequest().get('/v1/employees').set(auth)).status).toBe(200);
  });

  it('every change to a tenant or its placement is announced by the control-plane database itself, whoever makes it', async () => {
    const tenant = await h.createTenant('notified', 'shared');
    const { instance, heard } = listenerOn({ listenUrl: controlPlaneUrl(h.config) });
    instances.push(instance);
    await instance.ready();
    // Plain SQL from another connection: no Switchyard code publishes anything here.
    await withOwnerClient(controlPlaneUrl(h.config), (c) =>
      c.query("UPDATE tenants SET name = 'Renamed' WHERE id = $1", [tenant.id]),
    );
    await expect.poll(() => heard.tenants).toContain(tenant.id);
    heard.tenants.length = 0;
    await h.controlPlane.get(TenantsRepository).setPlacementState(tenant.id, 'ready');
    await expect.poll(() => heard.tenants).toContain(tenant.id);
  });

  it('a listener whose connection is killed reconnects and makes its caches start afresh', async () => {
    const { instance, heard } = listenerOn({ listenUrl: controlPlaneUrl(h.config) });
    instances.push(instance);
    await instance.ready();
    const resetsBefore = heard.resets;
    await withOwnerClient(controlPlaneUrl(h.config), (c) =>
      c.query(
        "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name = 'switchyard-invalidations' AND datname = current_database()",
      ),
    );
    await expect.poll(() => heard.resets, { timeout: 10_000 }).toBeGreaterThan(resetsBefore);
    await instance.ready();
    expect(instance.listening).toBe(true);
    // And it hears changes again.
    const tenant = await h.createTenant('heard-again', 'shared');
    await h.controlPlane.get(TenantsRepository).setPlacementState(tenant.id, 'ready');
    await expect.poll(() => heard.tenants).toContain(tenant.id);
  });
});

// Two instances with private in-process buses stand for two processes: only Redis connects them.
describe.skipIf(!redisUrl)('placement invalidation across instances (Redis)', () => {
  const instances: PlacementInvalidations[] = [];
  afterAll(async () => Promise.all(instances.map((i) => i.onApplicationShutdown())));

  it('reaches a cache in another instance', async () => {
    const publisher = new PlacementInvalidations({ redisUrl: redisUrl! }, new EventEmitter());
    const receiver = listenerOn({ redisUrl: redisUrl! });
    const bystander = listenerOn({});
    instances.push(publisher, receiver.instance, bystander.instance);
    await receiver.instance.ready();
    const tenantId = crypto.randomUUID();
    await publisher.publish(tenantId);
    await expect.poll(() => receiver.heard.tenants).toContain(tenantId);
    expect(bystander.heard.tenants).toEqual([]);
  });
});
