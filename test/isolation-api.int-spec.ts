import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TenantRecord } from '@switchyard/control-plane';
import { TenantDb } from '@switchyard/tenancy';
import { first } from './support/elements';
import { startHarness, type Harness } from './support/harness';
import { sameForEveryRequest } from './support/problems';

interface Seeded {
  tenant: TenantRecord;
  auth: { Authorization: string };
  employees: string[];
  entries: string[];
  /** An email only this tenant has. */
  uniqueEmail: string;
  summary: { kind: string; count: number; total: number; average: number }[];
}

/**
 * I1 through the tenant API: tenant A can never read, change, delete, count or infer tenant B's rows,
 * whatever the tiers of A and B. Another tenant's id answers exactly like an id that does not exist.
 */
describe('tenant isolation through the API', () => {
  let h: Harness;
  const seeded = new Map<string, Seeded>();
  const api = () => h.apiRequest();

  async function seed(slug: string, tier: TenantRecord['tier'], k: number): Promise<void> {
    const tenant = await h.createTenant(slug, tier);
    const auth = { Authorization: `Bearer ${h.tokenFor(tenant.id)}` };
    const uniqueEmail = `only-${slug}@example.com`;
    const employees: string[] = [];
    for (const email of ['common@example.com', uniqueEmail]) {
      const res = await api()
        .post('/v1/employees')
        .set(auth)
        .send({ email, fullName: `${slug} person` });
      expect(res.status).toBe(201);
      employees.push(res.body.id);
    }
    const entries: string[] = [];
    for (const [employeeId, kind, value] of [
      [employees[0], 'steps', 1000 * k],
      [employees[0], 'mood', k],
      [employees[1], 'water_ml', 100 * k],
    ] as const) {
      const res = await api()
        .post('/v1/wellness-entries')
        .set(auth)
        .send({ employeeId, kind, value, loggedOn: '2026-03-01' });
      expect(res.status).toBe(201);
      entries.push(res.body.id);
    }
    const summary = [
      { kind: 'mood', count: 1, total: k, average: k },
      { kind: 'steps', count: 1, total: 1000 * k, average: 1000 * k },
      { kind: 'water_ml', count: 1, total: 100 * k, average: 100 * k },
    ];
    seeded.set(slug, { tenant, auth, employees: employees.sort(), entries: entries.sort(), uniqueEmail, summary });
  }

  /** Every row of a tenant, every column, read as the owner from wherever its tier keeps it. */
  async function snapshot(t: TenantRecord): Promise<unknown> {
    const read = (table: string) =>
      h.ownerQuery(
        t.placement.database,
        `SELECT * FROM "${t.placement.schema}".${table} WHERE tenant_id = $1 ORDER BY id`,
        [t.id],
      );
    return { employees: await read('employees'), entries: await read('wellness_entries') };
  }

  function expectSameNotFound(
    res: { status: number; headers: Record<string, string>; body: unknown },
    baseline: { body: unknown },
    what: string,
  ): void {
    expect(res.status, what).toBe(404);
    expect(res.headers['content-type'], what).toMatch(/^application\/problem\+json/);
    // Byte for byte what a non-existent id gets: nothing to tell "someone else's" from "nobody's".
    expect(sameForEveryRequest(res.body), what).toEqual(sameForEveryRequest(baseline.body));
  }

  beforeAll(async () => {
    h = await startHarness();
    let k = 1;
    for (const [slug, tier] of [
      ['iso-shared-1', 'shared'],
      ['iso-shared-2', 'shared'],
      ['iso-schema-1', 'schema'],
      ['iso-schema-2', 'schema'],
      ['iso-database-1', 'database'],
      ['iso-database-2', 'database'],
    ] as const) {
      await seed(slug, tier, k++);
    }
  });
  afterAll(() => h?.close());

  it.each([
    ['iso-shared-1', 'iso-shared-2'],
    ['iso-shared-1', 'iso-schema-1'],
    ['iso-schema-1', 'iso-shared-2'],
    ['iso-schema-1', 'iso-database-1'],
    ['iso-database-1', 'iso-shared-1'],
    ['iso-schema-1', 'iso-schema-2'],
    ['iso-database-1', 'iso-database-2'],
  ])('%s can neither see, change, delete nor infer the rows of %s', async (attackerSlug, victimSlug) => {
    const a = seeded.get(attackerSlug)!;
    const b = seeded.get(victimSlug)!;
    const victimBefore = await snapshot(b.tenant);
    const attackerBefore = await snapshot(a.tenant);
    const missing = randomUUID();
    const baseline = {
      getEmployee: await api().get(`/v1/employees/${missing}`).set(a.auth),
      patchEmployee: await api().patch(`/v1/employees/${missing}`).set(a.auth).send({ fullName: 'Hijacked' }),
      deleteEmployee: await api().delete(`/v1/employees/${missing}`).set(a.auth),
      getEntry: await api().get(`/v1/wellness-entries/${missing}`).set(a.auth),
      deleteEntry: await api().delete(`/v1/wellness-entries/${missing}`).set(a.auth),
      createEntry: await api()
        .post('/v1/wellness-entries')
        .set(a.auth)
        .send({ employeeId: missing, kind: 'steps', value: 1, loggedOn: '2026-03-02' }),
    };
    for (const res of Object.values(baseline)) expect(res.status).toBe(404);

    // By id.
    for (const id of b.employees) {
      expectSameNotFound(
        await api().get(`/v1/employees/${id}`).set(a.auth),
        baseline.getEmployee,
        `GET employee ${id}`,
      );
      expectSameNotFound(
        await api().patch(`/v1/employees/${id}`).set(a.auth).send({ fullName: 'Hijacked' }),
        baseline.patchEmployee,
        `PATCH employee ${id}`,
      );
      expectSameNotFound(
        await api().patch(`/v1/employees/${id}`).set(a.auth).send({ email: 'hijacked@example.com' }),
        baseline.patchEmployee,
        `PATCH employee ${id} email`,
      );
      expectSameNotFound(
        await api().delete(`/v1/employees/${id}`).set(a.auth),
        baseline.deleteEmployee,
        `DELETE employee ${id}`,
      );
      // Referencing B's employee creates nothing, anywhere.
      const create = await api()
        .post('/v1/wellness-entries')
        .set(a.auth)
        .send({ employeeId: id, kind: 'steps', value: 1, loggedOn: '2026-03-02' });
      expectSameNotFound(create, baseline.createEntry, `POST entry for employee ${id}`);
    }
    for (const id of b.entries) {
      expectSameNotFound(
        await api().get(`/v1/wellness-entries/${id}`).set(a.auth),
        baseline.getEntry,
        `GET entry ${id}`,
      );
      expectSameNotFound(
        await api().delete(`/v1/wellness-entries/${id}`).set(a.auth),
        baseline.deleteEntry,
        `DELETE entry ${id}`,
      );
    }

    // By list, filter and cursor: only A's rows, ever.
    const employeesPage = await api().get('/v1/employees?limit=100').set(a.auth);
    expect(employeesPage.status).toBe(200);
    expect(employeesPage.body.items.map((e: { id: string }) => e.id).sort()).toEqual(a.employees);
    const entriesPage = await api().get('/v1/wellness-entries?limit=100').set(a.auth);
    expect(entriesPage.body.items.map((e: { id: string }) => e.id).sort()).toEqual(a.entries);
    const bEmployee = first(b.employees, `employee of ${victimSlug}`);
    const filtered = await api().get(`/v1/wellness-entries?employeeId=${bEmployee}`).set(a.auth);
    expect(filtered.status).toBe(200);
    expect(filtered.body).toEqual({ items: [], nextCursor: null });
    const cursor = Buffer.from(bEmployee, 'utf8').toString('base64url');
    const afterForeignCursor = await api().get(`/v1/employees?limit=100&cursor=${cursor}`).set(a.auth);
    expect(afterForeignCursor.status).toBe(200);
    for (const item of afterForeignCursor.body.items as { id: string }[]) expect(a.employees).toContain(item.id);
    const listed = JSON.stringify([employeesPage.body, entriesPage.body, afterForeignCursor.body]);
    for (const id of [...b.employees, ...b.entries]) expect(listed).not.toContain(id);
    expect(listed).not.toContain(b.uniqueEmail);

    // By summary: A's own totals only (every tenant's values differ).
    const summary = await api().get('/v1/wellness-summary').set(a.auth);
    expect(summary.status).toBe(200);
    expect(summary.body).toEqual(a.summary);

    // By uniqueness: B's email is free in A's space, so a 409 can never reveal that B has it.
    const probe = await api().post('/v1/employees').set(a.auth).send({ email: b.uniqueEmail, fullName: 'Probe' });
    expect(probe.status).toBe(201);
    expect((await api().delete(`/v1/employees/${probe.body.id}`).set(a.auth)).status).toBe(204);
    const rename = await api().patch(`/v1/employees/${a.employees[0]}`).set(a.auth).send({ email: b.uniqueEmail });
    expect(rename.status).toBe(200);
    expect(
      (await api().patch(`/v1/employees/${a.employees[0]}`).set(a.auth).send({ email: 'common@example.com' })).status,
    ).toBe(200);

    // Nothing of B changed, not even a timestamp; A holds exactly its own rows.
    expect(await snapshot(b.tenant)).toEqual(victimBefore);
    const attackerAfter = (await snapshot(a.tenant)) as { employees: { id: string }[]; entries: { id: string }[] };
    const ids = (rows: { id: string }[]) => rows.map((r) => r.id);
    expect(ids(attackerAfter.employees)).toEqual(ids((attackerBefore as typeof attackerAfter).employees));
    expect(ids(attackerAfter.entries)).toEqual(ids((attackerBefore as typeof attackerAfter).entries));
  });

  it('refuses a suspended tenant at once with 403, in every tier, and serves it again once resumed', async () => {
    const bystander = seeded.get('iso-shared-1')!;
    for (const slug of ['iso-shared-2', 'iso-schema-2', 'iso-database-2']) {
      const t = seeded.get(slug)!;
      const before = await snapshot(t.tenant);
      // Warm: the placement is cached, so only the invalidation can make the suspension visible.
      expect((await api().get('/v1/employees').set(t.auth)).status).toBe(200);

      const suspend = await h
        .cpRequest()
        .patch(`/v1/tenants/${t.tenant.id}`)
        .set('Authorization', `Bearer ${h.opsToken()}`)
        .send({ status: 'suspended' });
      expect(suspend.status).toBe(200);
      expect(suspend.body.status).toBe('suspended');
      for (const [what, res] of [
        ['GET tenant', await api().get('/v1/tenant').set(t.auth)],
        ['GET employees', await api().get('/v1/employees').set(t.auth)],
        ['GET employee', await api().get(`/v1/employees/${t.employees[0]}`).set(t.auth)],
        [
          'POST employee',
          await api()
            .post('/v1/employees')
            .set(t.auth)
            .send({ email: 'while-suspended@example.com', fullName: 'Nope' }),
        ],
        ['DELETE entry', await api().delete(`/v1/wellness-entries/${t.entries[0]}`).set(t.auth)],
        ['GET summary', await api().get('/v1/wellness-summary').set(t.auth)],
      ] as const) {
        expect(res.status, `${slug} ${what}`).toBe(403);
        expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
        expect(res.body).toMatchObject({ status: 403, title: 'Forbidden' });
      }
      // The library refuses it too, not only the HTTP guard.
      await expect(h.api.get(TenantDb).transactionFor(t.tenant.id, async () => 'ran')).rejects.toMatchObject({
        code: 'TENANT_SUSPENDED',
      });
      // Other tenants are unaffected, and nothing was written while suspended.
      expect((await api().get('/v1/employees').set(bystander.auth)).status).toBe(200);
      expect(await snapshot(t.tenant)).toEqual(before);

      const resume = await h
        .cpRequest()
        .patch(`/v1/tenants/${t.tenant.id}`)
        .set('Authorization', `Bearer ${h.opsToken()}`)
        .send({ status: 'active' });
      expect(resume.status).toBe(200);
      const list = await api().get('/v1/employees?limit=100').set(t.auth);
      expect(list.status).toBe(200);
      expect(list.body.items.map((e: { id: string }) => e.id).sort()).toEqual(t.employees);
      expect((await api().get(`/v1/wellness-entries/${t.entries[0]}`).set(t.auth)).status).toBe(200);
    }
  });
});
