import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TenantRecord } from '@switchyard/control-plane';
import { tenantStorageNames } from '@switchyard/postgres';
import { startHarness, type Harness } from './support/harness';

/** `GET /metrics`: Prometheus text, request timings by route template, pool gauges, no tenant identity. */
describe('GET /metrics', () => {
  let h: Harness;
  let tenants: TenantRecord[];

  beforeAll(async () => {
    h = await startHarness();
    tenants = [await h.createTenant('metrics-shared', 'shared'), await h.createTenant('metrics-dedicated', 'database')];
  });
  afterAll(() => h?.close());

  /** The value of one series in a Prometheus text exposition, or undefined. */
  const sample = (text: string, series: string) => {
    const line = text.split('\n').find((l) => l.startsWith(`${series} `));
    return line === undefined ? undefined : Number(line.slice(series.length + 1));
  };

  it('counts requests by route template and status, and reports the pools', async () => {
    const scrape = async () => {
      const res = await h.apiRequest().get('/metrics');
      expect(res.status).toBe(200);
      expect(res.headers['content-type']).toMatch(/^text\/plain;.*version=0\.0\.4/);
      return res.text;
    };
    const series = (status: number) =>
      `switchyard_http_request_duration_seconds_count{method="GET",route="/v1/employees/:id",status="${status}"}`;
    const before = await scrape();
    for (const tenant of tenants) {
      const auth = { Authorization: `Bearer ${h.tokenFor(tenant.id)}` };
      const created = await h
        .apiRequest()
        .post('/v1/employees')
        .set(auth)
        .send({ email: `m@${tenant.slug}.io`, fullName: 'M' });
      expect(created.status).toBe(201);
      expect((await h.apiRequest().get(`/v1/employees/${created.body.id}`).set(auth)).status).toBe(200);
      expect((await h.apiRequest().get('/v1/employees/00000000-0000-4000-8000-000000000000').set(auth)).status).toBe(
        404,
      );
    }
    const after = await scrape();
    expect((sample(after, series(200)) ?? 0) - (sample(before, series(200)) ?? 0)).toBe(2);
    expect((sample(after, series(404)) ?? 0) - (sample(before, series(404)) ?? 0)).toBe(2);
    expect(
      sample(after, 'switchyard_http_request_duration_seconds_count{method="POST",route="/v1/employees",status="201"}'),
    ).toBeGreaterThanOrEqual(2);
    // The dedicated tenant's database has its own pool; the shared cell has one too.
    expect(sample(after, 'switchyard_pools{kind="tenant-database"}')).toBeGreaterThanOrEqual(1);
    expect(sample(after, 'switchyard_pools{kind="shared"}')).toBeGreaterThanOrEqual(1);
    expect(sample(after, 'switchyard_pool_connections{kind="shared",state="open"}')).toBeGreaterThanOrEqual(1);
    expect(after).toContain('switchyard_process_cpu_seconds_total');
  });

  it('names no tenant: no id, slug, schema or database name appears', async () => {
    const text = (await h.apiRequest().get('/metrics')).text;
    for (const tenant of tenants) {
      const names = tenantStorageNames(tenant.id);
      for (const secret of [tenant.id, tenant.slug, names.schema, names.database, tenant.id.replace(/-/g, '')])
        expect(text).not.toContain(secret);
    }
  });

  it('an unknown path is counted under one label, not by its raw path', async () => {
    expect((await h.apiRequest().get('/no/such/path/12345')).status).toBe(404);
    const text = (await h.apiRequest().get('/metrics')).text;
    expect(text).not.toContain('12345');
    expect(text).toMatch(/route="unmatched",status="404"/);
  });
});
