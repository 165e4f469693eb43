import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TenantUsageRepository, type TenantRecord } from '@switchyard/control-plane';
import { TenantLifecycleService } from '@switchyard/provisioning';
import { UsageMeter } from '@switchyard/tenancy';
import { startHarness, type Harness } from './support/harness';
import { waitFor } from './support/wait';

describe('per-tenant usage', () => {
  let h: Harness;
  let heavy: TenantRecord;
  let light: TenantRecord;
  const ops = () => ({ Authorization: `Bearer ${h.opsToken()}` });

  beforeAll(async () => {
    h = await startHarness({ USAGE_FLUSH_MS: '100' });
    heavy = await h.createTenant('usage-heavy', 'schema');
    light = await h.createTenant('usage-light', 'database');
  });
  afterAll(() => h?.close());

  const call = (tenant: TenantRecord, times: number, send: (auth: Record<string, string>) => Promise<unknown>) =>
    Promise.all(Array.from({ length: times }, () => send({ Authorization: `Bearer ${h.tokenFor(tenant.id)}` })));

  it('counts each tenant’s requests, database time and rows, and measures what it stores', async () => {
    await call(heavy, 12, (auth) =>
      h
        .apiRequest()
        .post('/v1/employees')
        .set(auth)
        .send({ email: `${Math.random().toString(36).slice(2)}@usage.io`, fullName: 'U' }),
    );
    await call(heavy, 20, (auth) => h.apiRequest().get('/v1/employees?limit=50').set(auth));
    await call(light, 3, (auth) => h.apiRequest().get('/v1/employees?limit=5').set(auth));

    const usage = await waitFor(
      async () => (await h.cpRequest().get(`/v1/tenants/${heavy.slug}/usage?window=1h`).set(ops())).body,
      (body) => body.total?.requests >= 32,
      { what: 'the heavy tenant’s 32 requests to be counted' },
    );
    expect(usage).toMatchObject({ slug: 'usage-heavy', tier: 'schema', window: '1h' });
    expect(usage.total.requests).toBe(32);
    expect(usage.total.errors).toBe(0);
    expect(usage.total.dbMs).toBeGreaterThan(0);
    // 12 inserts, then 20 lists of up to 50 rows after them.
    expect(usage.total.rows).toBeGreaterThanOrEqual(12 + 20 * 12);
    expect(usage.hours).toHaveLength(1);
    expect(usage.storage.rows).toBe(12);
    expect(usage.storage.bytes).toBeGreaterThan(0);
    expect(usage.storage.tables.map((t: { table: string }) => t.table).sort()).toEqual([
      'employees',
      'idempotency_keys',
      'wellness_entries',
    ]);

    const top = await waitFor(
      async () => (await h.cpRequest().get('/v1/usage/top?by=requests&window=1h').set(ops())).body,
      (body) => body.items?.length === 2 && body.items[1].requests >= 3,
      { what: 'both tenants in the top list' },
    );
    expect(top.items.map((i: { slug: string; requests: number }) => `${i.slug} ${i.requests}`)).toEqual([
      'usage-heavy 32',
      'usage-light 3',
    ]);
  });

  it('counts server errors, sums what several processes add, and keeps tenant ids out of metrics', async () => {
    const meter = h.api.get(UsageMeter);
    meter.request(light.id, 503);
    meter.request(light.id, 200);
    await meter.flush();
    // A second meter (as in another process) adding to the same minute.
    const other = new UsageMeter(h.config, h.controlPlane.get(TenantUsageRepository));
    other.request(light.id, 500);
    await other.onApplicationShutdown();
    const usage = (await h.cpRequest().get(`/v1/tenants/${light.id}/usage?window=1h`).set(ops())).body;
    expect(usage.total).toMatchObject({ errors: 2 });
    const worst = (await h.cpRequest().get('/v1/usage/top?by=errors&window=1h&limit=1').set(ops())).body;
    expect(worst.items.map((i: { slug: string }) => i.slug)).toEqual(['usage-light']);

    const metrics = await h.apiRequest().get('/metrics');
    expect(metrics.status).toBe(200);
    expect(metrics.text).not.toContain(heavy.id);
    expect(metrics.text).not.toContain(light.id);
    for (const bad of ['window=2h', 'by=cpu', 'limit=0', 'other=1'])
      expect((await h.cpRequest().get(`/v1/usage/top?${bad}`).set(ops())).status).toBe(400);
    expect((await h.cpRequest().get('/v1/tenants/nobody/usage').set(ops())).status).toBe(404);
  });

  it('drops what a process counted for a tenant that has been erased since, and keeps the rest', async () => {
    const gone = await h.createTenant('usage-gone', 'shared');
    const meter = new UsageMeter(h.config, h.controlPlane.get(TenantUsageRepository));
    meter.request(gone.id, 200);
    meter.request(light.id, 200);
    await h.controlPlane.get(TenantLifecycleService).delete(gone.id);
    const before = (await h.cpRequest().get(`/v1/tenants/${light.id}/usage?window=1h`).set(ops())).body;
    await meter.onApplicationShutdown();
    const after = (await h.cpRequest().get(`/v1/tenants/${light.id}/usage?window=1h`).set(ops())).body;
    expect(after.total.requests).toBe(before.total.requests + 1);
    const left = await h.ownerQuery(
      h.config.names.controlDatabase,
      'SELECT count(*)::int AS n FROM tenant_usage WHERE tenant_id = $1',
      [gone.id],
    );
    expect(left).toEqual([{ n: 0 }]);
  });
});
