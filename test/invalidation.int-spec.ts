import { EventEmitter } from 'node:events';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { PlacementInvalidations } from '@switchyard/control-plane';
import { startHarness, type Harness } from './support/harness';

const redisUrl = inject('redisUrl');

describe('placement invalidation', () => {
  let h: Harness;

  beforeAll(async () => {
    h = await startHarness();
  });
  afterAll(() => h?.close());

  it('a suspension made through the control plane is seen at once by the API of the same process', async () => {
    const tenant = await h.createTenant('seen-at-once', 'schema');
    const auth = { Authorization: `Bearer ${h.tokenFor(tenant.id)}` };
    const ops = { Authorization: `Bearer ${h.opsToken()}` };
    expect((await h.apiRequest().get('/v1/employees').set(auth)).status).toBe(200); // placement now cached
    expect((await h.cpRequest().patch(`/v1/tenants/${tenant.id}`).set(ops).send({ status: 'suspended' })).status).toBe(200);
    const suspended = await h.apiRequest().get('/v1/employees').set(auth);
    expect(suspended.status).toBe(403);
    expect(suspended.body.detail).toMatch(/suspended/);
    expect((await h.cpRequest().patch(`/v1/tenants/${tenant.slug}`).set(ops).send({ status: 'active' })).status).toBe(200);
    expect((await h.apiRequest().get('/v1/employees').set(auth)).status).toBe(200);
  });
});

// Two instances with private in-process buses stand for two processes: only Redis connects them.
describe.skipIf(!redisUrl)('placement invalidation across instances (Redis)', () => {
  const instances: PlacementInvalidations[] = [];
  afterAll(async () => Promise.all(instances.map((i) => i.onModuleDestroy())));

  it('reaches a cache in another instance', async () => {
    const publisher = new PlacementInvalidations(redisUrl!, new EventEmitter());
    const receiver = new PlacementInvalidations(redisUrl!, new EventEmitter());
    const bystander = new PlacementInvalidations(undefined, new EventEmitter());
    instances.push(publisher, receiver, bystander);
    await Promise.all([publisher.ready(), receiver.ready()]);
    const received = new Promise<string>((resolve) => receiver.subscribe(resolve));
    const notReceived: string[] = [];
    bystander.subscribe((id) => notReceived.push(id));
    const tenantId = crypto.randomUUID();
    await publisher.publish(tenantId);
    await expect(received).resolves.toBe(tenantId);
    expect(notReceived).toEqual([]);
  });
});
