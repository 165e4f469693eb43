import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TenantRecord, Tier } from '@switchyard/control-plane';
import { startHarness, type Harness } from './support/harness';
import { sameForEveryRequest } from './support/problems';

/**
 * One API scenario, run against a tenant in each tier: the responses must be identical once the values
 * that are unique by nature (ids, timestamps, tenant identity) are normalised. A consumer can never tell
 * which tier serves it.
 */
describe('the tenant API behaves the same in every tier', () => {
  let h: Harness;
  const tenants = new Map<Tier, TenantRecord>();
  /** Each tier's normalised transcript of the scenario, which every test below looks at (or at what it left). */
  const transcripts = new Map<Tier, unknown>();

  beforeAll(async () => {
    h = await startHarness();
    tenants.set('shared', await h.createTenant('same-shared', 'shared'));
    tenants.set('schema', await h.createTenant('same-schema', 'schema'));
    tenants.set('database', await h.createTenant('same-database', 'database'));
    for (const [tier, tenant] of tenants) transcripts.set(tier, normalise(await scenario(tenant), tenant));
  });
  afterAll(() => h?.close());

  async function scenario(tenant: TenantRecord): Promise<unknown[]> {
    const auth = { Authorization: `Bearer ${h.tokenFor(tenant.id)}` };
    const transcript: unknown[] = [];
    const record = (res: { status: number; body: unknown }) =>
      transcript.push({ status: res.status, body: sameForEveryRequest(res.body) });
    const api = () => h.apiRequest();

    record(await api().get('/v1/tenant').set(auth));
    const ada = await api()
      .post('/v1/employees')
      .set(auth)
      .send({ email: 'Ada@Example.com ', fullName: 'Ada Lovelace' });
    record(ada);
    const grace = await api()
      .post('/v1/employees')
      .set(auth)
      .send({ email: 'grace@example.com', fullName: 'Grace Hopper' });
    record(grace);
    record(await api().post('/v1/employees').set(auth).send({ email: 'ada@example.com', fullName: 'Ada Again' }));
    record(await api().get('/v1/employees?limit=1').set(auth));
    const first = await api().get('/v1/employees?limit=1').set(auth);
    record(await api().get(`/v1/employees?limit=1&cursor=${first.body.nextCursor}`).set(auth));
    record(await api().patch(`/v1/employees/${ada.body.id}`).set(auth).send({ fullName: 'Augusta Ada King' }));
    record(await api().get(`/v1/employees/${ada.body.id}`).set(auth));
    for (const [kind, value, loggedOn] of [
      ['steps', 1000, '2026-01-01'],
      ['steps', 3000, '2026-01-02'],
      ['mood', 4, '2026-01-02'],
      ['sleep_hours', 7.25, '2026-01-03'],
    ] as const) {
      record(
        await api().post('/v1/wellness-entries').set(auth).send({ employeeId: ada.body.id, kind, value, loggedOn }),
      );
    }
    const graceEntry = await api()
      .post('/v1/wellness-entries')
      .set(auth)
      .send({ employeeId: grace.body.id, kind: 'water_ml', value: 500, loggedOn: '2026-01-05', notes: 'hydrated' });
    record(graceEntry);
    record(await api().get(`/v1/wellness-entries?employeeId=${ada.body.id}&from=2026-01-02&to=2026-01-03`).set(auth));
    record(await api().get('/v1/wellness-summary?from=2026-01-01&to=2026-01-31').set(auth));
    record(await api().get(`/v1/wellness-entries/${graceEntry.body.id}`).set(auth));
    record(await api().delete(`/v1/wellness-entries/${graceEntry.body.id}`).set(auth));
    record(await api().get(`/v1/wellness-entries/${graceEntry.body.id}`).set(auth));
    record(await api().delete(`/v1/employees/${grace.body.id}`).set(auth));
    record(await api().get(`/v1/employees/${grace.body.id}`).set(auth));
    record(await api().get('/v1/wellness-summary').set(auth));
    return transcript;
  }

  /** Replaces ids, cursors, timestamps and tenant identity by stable placeholders, in order of appearance. */
  function normalise(transcript: unknown[], tenant: TenantRecord): unknown {
    const ids = new Map<string, string>();
    const json = JSON.stringify(transcript)
      .replaceAll(tenant.id, 'TENANT_ID')
      .replaceAll(tenant.slug, 'TENANT_SLUG')
      .replace(/\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d+Z/g, 'TIMESTAMP')
      .replace(/[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/g, (id) => {
        if (!ids.has(id)) ids.set(id, `ID_${ids.size}`);
        return ids.get(id)!;
      })
      .replace(/"nextCursor":"[A-Za-z0-9_-]+"/g, '"nextCursor":"CURSOR"');
    return JSON.parse(json);
  }

  it('gives the same responses for shared, schema and database tenants', async () => {
    const shared = transcripts.get('shared') as { status: number }[];
    // The scenario really exercised the API: created, listed, conflicted, deleted.
    expect(shared.map((r) => r.status)).toEqual([
      200, 201, 201, 409, 200, 200, 200, 200, 201, 201, 201, 201, 201, 200, 200, 200, 204, 404, 204, 404, 200,
    ]);
    expect(transcripts.get('schema')).toEqual(shared);
    expect(transcripts.get('database')).toEqual(shared);
  });

  it('computes the summary per kind', async () => {
    const tenant = tenants.get('database')!;
    const res = await h
      .apiRequest()
      .get('/v1/wellness-summary?from=2026-01-01&to=2026-01-31')
      .set({ Authorization: `Bearer ${h.tokenFor(tenant.id)}` });
    expect(res.body).toEqual([
      { kind: 'mood', count: 1, total: 4, average: 4 },
      { kind: 'sleep_hours', count: 1, total: 7.25, average: 7.25 },
      { kind: 'steps', count: 2, total: 4000, average: 2000 },
    ]);
  });

  it('stores each tier where its placement says', async () => {
    const schemaTenant = tenants.get('schema')!;
    const dbTenant = tenants.get('database')!;
    const sharedTenant = tenants.get('shared')!;
    const inSchema = await h.ownerQuery(
      h.config.names.sharedDatabase,
      `SELECT count(*)::int AS n FROM "${schemaTenant.placement.schema}".employees`,
    );
    const inDatabase = await h.ownerQuery(
      dbTenant.placement.database,
      'SELECT count(*)::int AS n FROM public.employees',
    );
    const inShared = await h.ownerQuery(
      h.config.names.sharedDatabase,
      'SELECT count(*)::int AS n FROM public.employees WHERE tenant_id = $1',
      [sharedTenant.id],
    );
    expect([...inSchema, ...inDatabase, ...inShared]).toEqual([{ n: 1 }, { n: 1 }, { n: 1 }]);
    const strays = await h.ownerQuery(
      h.config.names.sharedDatabase,
      'SELECT count(*)::int AS n FROM public.employees WHERE tenant_id <> $1',
      [sharedTenant.id],
    );
    expect(strays).toEqual([{ n: 0 }]);
  });
});
