import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TenantRecord } from '@switchyard/control-plane';
import { WELLNESS_KINDS } from '@switchyard/tenant-data';
import { at, first } from './support/elements';
import { startHarness, type Harness } from './support/harness';
import { sameForEveryRequest } from './support/problems';

/**
 * I1 under random use (issue 5, adversarial tests). fast-check generates sequences of API calls by
 * random tenants of all three tiers — two shared tenants in the very same tables — mixing their own ids
 * with other tenants' ids, deleted ids and random ids. A model holds the rows each tenant must have;
 * after every step every tenant must see exactly its rows (all pages), and another tenant's id must get
 * the same 404 problem+json as an id that never existed, changing nothing.
 *
 * Replay a failure with FC_SEED (and FC_PATH) from the report; the default seed is fixed.
 */

interface Employee {
  id: string;
  email: string;
  fullName: string;
  createdAt: string;
  updatedAt: string;
}
interface Entry {
  id: string;
  employeeId: string;
  kind: string;
  value: number;
  loggedOn: string;
  notes: string | null;
  createdAt: string;
}
interface Model {
  t: TenantRecord;
  auth: { Authorization: string };
  employees: Map<string, Employee>;
  entries: Map<string, Entry>;
}
interface Res {
  status: number;
  headers: Record<string, string>;
  body: unknown;
  text: string;
}

type Target =
  | { kind: 'own'; n: number }
  | { kind: 'foreign'; other: number; n: number }
  | { kind: 'ownOtherResource'; n: number }
  | { kind: 'deleted'; n: number }
  | { kind: 'random'; id: string };
type Resource = 'employees' | 'entries';
type Step =
  | { op: 'createEmployee'; tenant: number; email: number; name: number }
  | { op: 'patchEmployee'; tenant: number; target: Target; email: number | null; name: number | null }
  | { op: 'deleteEmployee'; tenant: number; target: Target }
  | {
      op: 'createEntry';
      tenant: number;
      target: Target;
      kind: string;
      value: number;
      day: number;
      notes: string | null;
    }
  | { op: 'deleteEntry'; tenant: number; target: Target }
  | { op: 'list'; tenant: number; resource: Resource; limit: number; filter: Target | null; after: Target | null }
  | { op: 'get'; tenant: number; resource: Resource; target: Target }
  | { op: 'summary'; tenant: number; from: number | null; to: number | null };

const TIERS = [
  ['adv-shared-a', 'shared'],
  ['adv-shared-b', 'shared'],
  ['adv-schema-a', 'schema'],
  ['adv-schema-b', 'schema'],
  ['adv-database-a', 'database'],
  ['adv-database-b', 'database'],
] as const;
const EMAILS = ['ana', 'ben', 'cy', 'dee', 'eve', 'fay', 'gus'].map((n) => `${n}@example.com`);
const NAMES = ['Ana Ng', 'Ben Ode', 'Cy Pratt', 'Dee Quinn', 'Eve Ruiz', 'Fay Sol'];
const UUID = /[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/i;
const day = (d: number) => `2026-04-${String(d).padStart(2, '0')}`;

const tenantIdx = fc.nat(TIERS.length - 1);
const target: fc.Arbitrary<Target> = fc.oneof(
  { weight: 10, arbitrary: fc.record({ kind: fc.constant('own' as const), n: fc.nat(40) }) },
  {
    weight: 4,
    arbitrary: fc.record({ kind: fc.constant('foreign' as const), other: fc.nat(TIERS.length - 2), n: fc.nat(40) }),
  },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('ownOtherResource' as const), n: fc.nat(40) }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('deleted' as const), n: fc.nat(40) }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('random' as const), id: fc.uuid() }) },
);
const resource = fc.constantFrom<Resource>('employees', 'entries');
const dayArb = fc.integer({ min: 1, max: 28 });
const step: fc.Arbitrary<Step> = fc.oneof(
  {
    weight: 5,
    arbitrary: fc.record({
      op: fc.constant('createEmployee' as const),
      tenant: tenantIdx,
      email: fc.nat(EMAILS.length - 1),
      name: fc.nat(NAMES.length - 1),
    }),
  },
  {
    weight: 3,
    arbitrary: fc
      .record({
        op: fc.constant('patchEmployee' as const),
        tenant: tenantIdx,
        target,
        email: fc.option(fc.nat(EMAILS.length - 1)),
        name: fc.option(fc.nat(NAMES.length - 1)),
      })
      .map((s) => (s.email === null && s.name === null ? { ...s, name: 0 } : s)),
  },
  { weight: 2, arbitrary: fc.record({ op: fc.constant('deleteEmployee' as const), tenant: tenantIdx, target }) },
  {
    weight: 5,
    arbitrary: fc.record({
      op: fc.constant('createEntry' as const),
      tenant: tenantIdx,
      target,
      kind: fc.constantFrom(...WELLNESS_KINDS),
      // Within every kind's range (a mood is 1–10): out-of-range values are the hostile-input test's.
      value: fc.integer({ min: 1, max: 10 }),
      day: dayArb,
      notes: fc.option(fc.constantFrom('felt fine', 'späť 🏃', "o'reilly")),
    }),
  },
  { weight: 2, arbitrary: fc.record({ op: fc.constant('deleteEntry' as const), tenant: tenantIdx, target }) },
  {
    weight: 3,
    arbitrary: fc.record({
      op: fc.constant('list' as const),
      tenant: tenantIdx,
      resource,
      limit: fc.integer({ min: 1, max: 5 }),
      filter: fc.option(target),
      after: fc.option(target),
    }),
  },
  { weight: 3, arbitrary: fc.record({ op: fc.constant('get' as const), tenant: tenantIdx, resource, target }) },
  {
    weight: 2,
    arbitrary: fc.record({
      op: fc.constant('summary' as const),
      tenant: tenantIdx,
      from: fc.option(dayArb),
      to: fc.option(dayArb),
    }),
  },
);

describe('random API sequences across tiers keep every tenant to its own rows', () => {
  let h: Harness;
  const models: Model[] = [];
  /** Ids that existed once and were deleted (any tenant): they must read as "not found" forever. */
  let graveyard: string[] = [];
  /** What an id that never existed gets, per endpoint. */
  const baseline: Record<string, unknown> = {};
  /** How often each kind of refusal was checked (the generator must reach them all). */
  const tally = new Map<string, number>();
  const api = () => h.apiRequest();

  beforeAll(async () => {
    h = await startHarness();
    // One listening server for the whole file (supertest would otherwise bind a port per request).
    await h.api.listen(0, '127.0.0.1');
    for (const [slug, tier] of TIERS) {
      const t = await h.createTenant(slug, tier);
      models.push({
        t,
        auth: { Authorization: `Bearer ${h.tokenFor(t.id)}` },
        employees: new Map(),
        entries: new Map(),
      });
    }
    const auth = first(models, 'tenant model').auth;
    const never = '00000000-0000-4000-8000-000000000000';
    for (const [key, res] of Object.entries({
      employees: await api().get(`/v1/employees/${never}`).set(auth),
      entries: await api().get(`/v1/wellness-entries/${never}`).set(auth),
      patchEmployee: await api().patch(`/v1/employees/${never}`).set(auth).send({ fullName: 'X' }),
      deleteEmployee: await api().delete(`/v1/employees/${never}`).set(auth),
      deleteEntry: await api().delete(`/v1/wellness-entries/${never}`).set(auth),
      createEntry: await api()
        .post('/v1/wellness-entries')
        .set(auth)
        .send({ employeeId: never, kind: 'steps', value: 1, loggedOn: day(1) }),
    })) {
      expect(res.status, key).toBe(404);
      baseline[key] = res.body;
    }
  });
  afterAll(() => h?.close());

  const sortedValues = <T extends { id: string }>(m: Map<string, T>) =>
    [...m.values()].sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  const idsOf = (m: Model, r: Resource) => [...(r === 'employees' ? m.employees : m.entries).keys()].sort();

  /** Turns a generated target into a concrete id, and says whether the acting tenant owns it. */
  function resolve(self: Model, r: Resource, tg: Target): { id: string; owned: boolean } {
    const other: Resource = r === 'employees' ? 'entries' : 'employees';
    const pick = (ids: string[], n: number) => (ids.length ? ids[n % ids.length] : undefined);
    let id: string | undefined;
    if (tg.kind === 'own') id = pick(idsOf(self, r), tg.n);
    else if (tg.kind === 'ownOtherResource') id = pick(idsOf(self, other), tg.n);
    else if (tg.kind === 'deleted') id = pick(graveyard, tg.n);
    else if (tg.kind === 'random') id = tg.id;
    else {
      const others = models.filter((m) => m !== self);
      const victim = at(others, tg.other % others.length, 'other tenant model');
      // Prefer the victim; fall back to any other tenant that has a row of this kind.
      id =
        pick(idsOf(victim, r), tg.n) ??
        pick(
          others.flatMap((m) => idsOf(m, r)),
          tg.n,
        );
    }
    id = (id ?? '00000000-0000-4000-8000-00000000beef').toLowerCase();
    return { id, owned: (r === 'employees' ? self.employees : self.entries).has(id) };
  }

  function expectNotFound(res: Res, key: string, where: string): void {
    tally.set(`404 ${key}`, (tally.get(`404 ${key}`) ?? 0) + 1);
    expect(res.status, `${where}: ${res.text}`).toBe(404);
    expect(res.headers['content-type'], where).toMatch(/^application\/problem\+json/);
    expect(sameForEveryRequest(res.body), where).toEqual(sameForEveryRequest(baseline[key]));
  }

  /** A 409 says "taken" and nothing else: no id, no email, of anyone. */
  function expectBareConflict(res: Res, where: string): void {
    tally.set('409', (tally.get('409') ?? 0) + 1);
    expect(res.status, `${where}: ${res.text}`).toBe(409);
    expect(res.headers['content-type'], where).toMatch(/^application\/problem\+json/);
    expect(res.text, where).not.toMatch(UUID);
    expect(res.text, where).not.toContain('@');
  }

  /** Follows nextCursor to the end; `startAfter` forges a first cursor from any id (cursors are opaque ids). */
  async function listAll(
    m: Model,
    r: Resource,
    limit: number,
    employeeId?: string,
    startAfter?: string,
  ): Promise<{ items: unknown[]; pages: number }> {
    const path = r === 'employees' ? '/v1/employees' : '/v1/wellness-entries';
    const items: unknown[] = [];
    let cursor: string | null = startAfter ? Buffer.from(startAfter, 'utf8').toString('base64url') : null;
    let pages = 0;
    do {
      const query = new URLSearchParams({ limit: String(limit) });
      if (employeeId) query.set('employeeId', employeeId);
      if (cursor) query.set('cursor', cursor);
      const res = await api().get(`${path}?${query}`).set(m.auth);
      expect(res.status, `${m.t.slug} list ${r}: ${res.text}`).toBe(200);
      expect(res.body.items.length).toBeLessThanOrEqual(limit);
      items.push(...res.body.items);
      cursor = res.body.nextCursor;
      expect(++pages, 'pagination terminates').toBeLessThan(200);
    } while (cursor);
    return { items, pages };
  }

  function expectedSummary(m: Model, from: number | null, to: number | null): unknown[] {
    const byKind = new Map<string, { count: number; total: number }>();
    for (const e of m.entries.values()) {
      if ((from !== null && e.loggedOn < day(from)) || (to !== null && e.loggedOn > day(to))) continue;
      const s = byKind.get(e.kind) ?? { count: 0, total: 0 };
      byKind.set(e.kind, { count: s.count + 1, total: s.total + e.value });
    }
    return [...byKind.entries()]
      .sort(([a], [b]) => (a < b ? -1 : 1))
      .map(([kind, s]) => ({
        kind,
        count: s.count,
        total: s.total,
        average: Math.round((s.total * 100) / s.count) / 100,
      }));
  }

  /** Applies one step to the API and to the model; every response is checked against the model. */
  async function apply(s: Step, where: string): Promise<void> {
    const m = at(models, s.tenant, 'tenant model');
    switch (s.op) {
      case 'createEmployee': {
        const email = EMAILS[s.email];
        const res = await api().post('/v1/employees').set(m.auth).send({ email, fullName: NAMES[s.name] });
        // Uniqueness is per tenant: another tenant holding the email never makes it a conflict.
        if ([...m.employees.values()].some((e) => e.email === email)) return expectBareConflict(res, where);
        expect(res.status, `${where}: ${res.text}`).toBe(201);
        expect(res.body).toMatchObject({ email, fullName: NAMES[s.name] });
        m.employees.set(res.body.id, res.body);
        return;
      }
      case 'patchEmployee': {
        const { id, owned } = resolve(m, 'employees', s.target);
        const body = {
          ...(s.email !== null ? { email: EMAILS[s.email] } : {}),
          ...(s.name !== null ? { fullName: NAMES[s.name] } : {}),
        };
        const res = await api().patch(`/v1/employees/${id}`).set(m.auth).send(body);
        if (!owned) return expectNotFound(res, 'patchEmployee', where);
        if (body.email && [...m.employees.values()].some((e) => e.email === body.email && e.id !== id))
          return expectBareConflict(res, where);
        expect(res.status, `${where}: ${res.text}`).toBe(200);
        expect(res.body).toEqual({ ...m.employees.get(id), ...body, updatedAt: res.body.updatedAt });
        m.employees.set(id, res.body);
        return;
      }
      case 'deleteEmployee': {
        const { id, owned } = resolve(m, 'employees', s.target);
        const res = await api().delete(`/v1/employees/${id}`).set(m.auth);
        if (!owned) return expectNotFound(res, 'deleteEmployee', where);
        expect(res.status, `${where}: ${res.text}`).toBe(204);
        m.employees.delete(id);
        graveyard.push(id);
        for (const e of [...m.entries.values()].filter((x) => x.employeeId === id)) {
          m.entries.delete(e.id); // ON DELETE CASCADE
          graveyard.push(e.id);
        }
        return;
      }
      case 'createEntry': {
        const { id, owned } = resolve(m, 'employees', s.target);
        const input = { employeeId: id, kind: s.kind, value: s.value, loggedOn: day(s.day), notes: s.notes };
        const res = await api().post('/v1/wellness-entries').set(m.auth).send(input);
        if (!owned) return expectNotFound(res, 'createEntry', where);
        expect(res.status, `${where}: ${res.text}`).toBe(201);
        expect(res.body).toMatchObject(input);
        m.entries.set(res.body.id, res.body);
        return;
      }
      case 'deleteEntry': {
        const { id, owned } = resolve(m, 'entries', s.target);
        const res = await api().delete(`/v1/wellness-entries/${id}`).set(m.auth);
        if (!owned) return expectNotFound(res, 'deleteEntry', where);
        expect(res.status, `${where}: ${res.text}`).toBe(204);
        m.entries.delete(id);
        graveyard.push(id);
        return;
      }
      case 'list': {
        const filter = s.resource === 'entries' && s.filter ? resolve(m, 'employees', s.filter) : undefined;
        // A forged cursor from another tenant's id only says "after this id": A's own rows past it.
        const after = s.after ? resolve(m, s.resource, s.after) : undefined;
        const { items, pages } = await listAll(m, s.resource, s.limit, filter?.id, after?.id);
        let expected: (Employee | Entry)[] = sortedValues<Employee | Entry>(
          s.resource === 'employees' ? m.employees : m.entries,
        );
        if (filter) expected = (expected as Entry[]).filter((e) => e.employeeId === filter.id);
        if (after) expected = expected.filter((e) => e.id > after.id);
        expect(items, where).toEqual(expected);
        expect(pages, where).toBe(Math.max(1, Math.ceil(expected.length / s.limit)));
        return;
      }
      case 'get': {
        const { id, owned } = resolve(m, s.resource, s.target);
        const res = await api()
          .get(`/v1/${s.resource === 'employees' ? 'employees' : 'wellness-entries'}/${id}`)
          .set(m.auth);
        if (!owned) return expectNotFound(res, s.resource, where);
        expect(res.status, `${where}: ${res.text}`).toBe(200);
        expect(res.body, where).toEqual((s.resource === 'employees' ? m.employees : m.entries).get(id));
        return;
      }
      case 'summary': {
        const query = new URLSearchParams({
          ...(s.from !== null ? { from: day(s.from) } : {}),
          ...(s.to !== null ? { to: day(s.to) } : {}),
        });
        const res = await api().get(`/v1/wellness-summary?${query}`).set(m.auth);
        // A period that ends before it starts is the caller's mistake, said as such.
        if (s.from !== null && s.to !== null && s.from > s.to) {
          expect(res.status, `${where}: ${res.text}`).toBe(400);
          return;
        }
        expect(res.status, `${where}: ${res.text}`).toBe(200);
        expect(res.body, where).toEqual(expectedSummary(m, s.from, s.to));
        return;
      }
    }
  }

  /** After every step: each tenant lists exactly its model (all pages), and others' ids are plain 404s. */
  async function checkAll(where: string, pageSize: number, probe: number): Promise<void> {
    await Promise.all(
      models.map(async (m, i) => {
        const employees = await listAll(m, 'employees', pageSize);
        expect(employees.items, `${where}: ${m.t.slug} employees`).toEqual(sortedValues(m.employees));
        const entries = await listAll(m, 'entries', pageSize);
        expect(entries.items, `${where}: ${m.t.slug} entries`).toEqual(sortedValues(m.entries));
        // A live row of another tenant (rotating through them), by id, on both resources.
        for (const r of ['employees', 'entries'] as const) {
          const foreign = models.filter((o) => o !== m).flatMap((o) => idsOf(o, r));
          if (!foreign.length) continue;
          const id = foreign[(probe + i) % foreign.length];
          const res = await api()
            .get(`/v1/${r === 'employees' ? 'employees' : 'wellness-entries'}/${id}`)
            .set(m.auth);
          expectNotFound(res, r, `${where}: ${m.t.slug} GET another tenant's ${r} ${id}`);
        }
      }),
    );
  }

  /** The owner's view: each tenant's storage holds exactly the model's rows, nothing stray anywhere. */
  async function checkStorage(where: string): Promise<void> {
    for (const m of models) {
      for (const [table, ids] of [
        ['employees', idsOf(m, 'employees')],
        ['wellness_entries', idsOf(m, 'entries')],
      ] as const) {
        const rows = await h.ownerQuery<{ tenant_id: string; id: string }>(
          m.t.placement.database,
          `SELECT tenant_id, id::text FROM "${m.t.placement.schema}".${table} ORDER BY id`,
        );
        const expected =
          m.t.tier === 'shared'
            ? models
                .filter((o) => o.t.tier === 'shared')
                .flatMap((o) =>
                  [...(table === 'employees' ? o.employees : o.entries).keys()].map((id) => ({
                    tenant_id: o.t.id,
                    id,
                  })),
                )
            : ids.map((id) => ({ tenant_id: m.t.id, id }));
        expect(rows, `${where}: ${m.t.slug} ${table}`).toEqual(expected.sort((a, b) => (a.id < b.id ? -1 : 1)));
      }
    }
  }

  /** Every run starts from empty tenants, so a run (and fast-check's shrinking) is reproducible. */
  async function reset(): Promise<void> {
    for (const m of models) {
      for (const table of ['wellness_entries', 'employees']) {
        await h.ownerQuery(
          m.t.placement.database,
          `DELETE FROM "${m.t.placement.schema}".${table} WHERE tenant_id = $1`,
          [m.t.id],
        );
      }
      m.employees.clear();
      m.entries.clear();
    }
    graveyard = [];
  }

  it('holds for every generated sequence of calls (model-checked after every step)', async () => {
    const seen = new Map<string, number>();
    let runs = 0;
    const numRuns = Number(process.env.FC_RUNS ?? 6);
    const property = fc.asyncProperty(
      fc.array(fc.tuple(step, fc.integer({ min: 3, max: 100 })), { minLength: 30, maxLength: 60 }),
      async (steps) => {
        runs++;
        await reset();
        // A small population to attack from the first step on: two employees and two entries per tenant.
        for (const [tenant] of models.entries()) {
          for (const email of [tenant % EMAILS.length, (tenant + 1) % EMAILS.length])
            await apply({ op: 'createEmployee', tenant, email, name: tenant % NAMES.length }, 'prelude');
          for (const n of [0, 1])
            await apply(
              {
                op: 'createEntry',
                tenant,
                target: { kind: 'own', n },
                kind: 'steps',
                value: 100 + tenant,
                day: 1 + n,
                notes: null,
              },
              'prelude',
            );
        }
        await checkAll('prelude', 100, 0);
        for (const [i, [s, pageSize]] of steps.entries()) {
          const where = `step ${i} ${JSON.stringify(s)}`;
          await apply(s, where);
          seen.set(s.op, (seen.get(s.op) ?? 0) + 1);
          await checkAll(where, pageSize, i);
        }
        await checkStorage(`after ${steps.length} steps`);
      },
    );
    await fc.assert(property, {
      seed: Number(process.env.FC_SEED ?? 0x5717c4),
      ...(process.env.FC_PATH ? { path: process.env.FC_PATH } : {}),
      numRuns,
      // Shrinking a failure is bounded; a pass never hits this.
      interruptAfterTimeLimit: 240_000,
      markInterruptAsFailure: true,
    });
    expect(runs).toBeGreaterThanOrEqual(numRuns);
    // The generator really exercised every kind of call, and every kind of refusal.
    expect([...seen.keys()].sort()).toEqual([
      'createEmployee',
      'createEntry',
      'deleteEmployee',
      'deleteEntry',
      'get',
      'list',
      'patchEmployee',
      'summary',
    ]);
    expect([...tally.keys()].sort()).toEqual([
      '404 createEntry',
      '404 deleteEmployee',
      '404 deleteEntry',
      '404 employees',
      '404 entries',
      '404 patchEmployee',
      '409',
    ]);
    console.info('adversarial sequences:', Object.fromEntries([...seen, ...tally]));
  }, 300_000);
});
