import { randomUUID } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import { Client } from 'pg';
import { v7 as uuidv7 } from 'uuid';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TenantRecord } from '@switchyard/control-plane';
import { pgErrorOf, quoteIdent, withCredentials, withDatabase } from '@switchyard/postgres';
import { at } from './support/elements';
import { startHarness, type Harness } from './support/harness';
import { sameForEveryRequest } from './support/problems';

/**
 * Side channels (issue 5, adversarial tests): what an attacker learns not from a result but from how a
 * query or request behaves — notices raised by a leaky function, the text of a constraint error, the
 * time a "not found" takes. None of them may tell tenant A anything about tenant B's rows (I1).
 */

const UUID = /[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/gi;

describe('no side channel reveals another tenant', () => {
  let h: Harness;
  let sA: TenantRecord; // shared
  let sB: TenantRecord; // shared, in the same tables as sA
  let cA: TenantRecord; // schema
  let cB: TenantRecord; // schema
  let dB: TenantRecord; // database
  let all: TenantRecord[];
  /** Per tenant: its employees' ids and emails, and its entries' ids (as created through the API). */
  const rows = new Map<string, { employees: { id: string; email: string }[]; entries: string[] }>();
  let baseUrl: string;

  const auth = (t: TenantRecord) => ({ Authorization: `Bearer ${h.tokenFor(t.id)}` });
  const api = () => h.apiRequest();
  const failure = (promise: Promise<unknown>) =>
    promise.then(
      () => undefined,
      (error: unknown) => error,
    );
  /** What beforeAll created for `t` through the API. */
  const seededOf = (t: TenantRecord) => {
    const seeded = rows.get(t.id);
    if (!seeded) throw new Error(`no rows were seeded for ${t.slug}`);
    return seeded;
  };
  const employeeOf = (t: TenantRecord, index: number) => at(seededOf(t).employees, index, `employee of ${t.slug}`);
  /** Everything of a tenant an attacker must never learn: tenant id, row ids, emails. */
  const secretsOf = (t: TenantRecord) => [
    t.id,
    t.slug,
    ...seededOf(t).employees.flatMap((e) => [e.id, e.email]),
    ...seededOf(t).entries,
  ];

  async function connect(database: string, asApp: boolean): Promise<{ client: Client; notices: string[] }> {
    const url = withDatabase(h.config.databaseUrl, database);
    const client = new Client({
      connectionString: asApp ? withCredentials(url, h.config.names.appRole, h.config.appRolePassword) : url,
    });
    const notices: string[] = [];
    client.on('notice', (notice) => notices.push(notice.message ?? ''));
    await client.connect();
    return { client, notices };
  }

  /** Runs `sql` as the application role inside a transaction whose tenant context is `tenant`. */
  async function asTenant(
    client: Client,
    tenant: TenantRecord | null,
    sql: string,
    params: unknown[] = [],
    prologue: string[] = [],
  ): Promise<unknown> {
    await client.query('BEGIN');
    try {
      if (tenant) await client.query("SELECT set_config('switchyard.tenant_id', $1, true)", [tenant.id]);
      for (const statement of prologue) await client.query(statement);
      return (await client.query(sql, params)).rows;
    } finally {
      await client.query('ROLLBACK');
    }
  }

  beforeAll(async () => {
    h = await startHarness();
    await h.api.listen(0, '127.0.0.1');
    baseUrl = `http://127.0.0.1:${(h.api.getHttpServer().address() as AddressInfo).port}`;
    sA = await h.createTenant('leak-shared-a', 'shared');
    sB = await h.createTenant('leak-shared-b', 'shared');
    cA = await h.createTenant('leak-schema-a', 'schema');
    cB = await h.createTenant('leak-schema-b', 'schema');
    dB = await h.createTenant('leak-database-b', 'database');
    all = [sA, sB, cA, cB, dB];
    for (const t of all) {
      const employees: { id: string; email: string }[] = [];
      const entries: string[] = [];
      for (let i = 0; i < 20; i++) {
        const email = `${t.slug}-${i}@example.com`;
        const res = await api()
          .post('/v1/employees')
          .set(auth(t))
          .send({ email, fullName: `${t.slug} ${i}` });
        expect(res.status).toBe(201);
        employees.push({ id: res.body.id, email });
      }
      for (const [i, e] of employees.slice(0, 3).entries()) {
        const res = await api()
          .post('/v1/wellness-entries')
          .set(auth(t))
          .send({ employeeId: e.id, kind: 'steps', value: 10 + i, loggedOn: '2026-05-01', notes: `note of ${t.slug}` });
        expect(res.status).toBe(201);
        entries.push(res.body.id);
      }
      rows.set(t.id, { employees, entries });
    }
  });
  afterAll(() => h?.close());

  describe('a leaky function in a WHERE clause sees only rows RLS lets through', () => {
    const shared = () => h.config.names.sharedDatabase;

    beforeAll(async () => {
      // As PostgreSQL's own rowsecurity regression test does: a cheap, non-leakproof function that
      // prints its argument, so the planner would like to run it before anything else.
      await h.ownerQuery(
        shared(),
        `CREATE FUNCTION public.leak(text) RETURNS boolean LANGUAGE plpgsql COST 0.0000001 AS $$ BEGIN RAISE NOTICE 'leak:%', $1; RETURN true; END $$;
         GRANT EXECUTE ON FUNCTION public.leak(text) TO ${quoteIdent(h.config.names.appRole)};`,
      );
      // A stray row of another tenant inside cA's own schema: only RLS (the second wall) can hide it.
      await h.ownerQuery(
        shared(),
        `INSERT INTO ${quoteIdent(cA.placement.schema)}.employees (tenant_id, email, full_name) VALUES ($1, 'planted-secret@example.com', 'Planted')`,
        [cB.id],
      );
    });
    afterAll(async () => {
      await h.ownerQuery(
        shared(),
        `DELETE FROM ${quoteIdent(cA.placement.schema)}.employees WHERE email = 'planted-secret@example.com'`,
      );
      await h.ownerQuery(shared(), 'DROP FUNCTION public.leak(text)');
    });

    const queries = (emp: string, ent: string): [string, string[]][] => [
      [`SELECT * FROM ${emp} WHERE public.leak(email)`, []],
      [`SELECT * FROM ${emp} WHERE public.leak(email) AND tenant_id IS NOT NULL`, []],
      [`SELECT * FROM ${emp} WHERE public.leak(email) OR public.leak(id::text)`, []],
      [`SELECT * FROM (SELECT * FROM ${emp} ORDER BY id) s WHERE public.leak(s.email)`, []],
      [`SELECT count(*) FROM ${emp} e WHERE public.leak(e.email) AND e.id IN (SELECT employee_id FROM ${ent})`, []],
      [
        `SELECT * FROM ${emp} e JOIN ${ent} w ON w.employee_id = e.id WHERE public.leak(e.email || ' ' || coalesce(w.notes, ''))`,
        [],
      ],
      [`SELECT * FROM ${ent} WHERE public.leak(employee_id::text || ' ' || coalesce(notes, ''))`, []],
      // Forced onto the (tenant_id, email) index: the leaky qual still may not run on B's entries.
      [
        `SELECT * FROM ${emp} WHERE email > '' AND public.leak(email)`,
        ['SET LOCAL enable_seqscan = off', 'SET LOCAL enable_bitmapscan = off'],
      ],
    ];

    async function expectNoLeak(
      database: string,
      emp: string,
      ent: string,
      self: TenantRecord,
      others: TenantRecord[],
      extraSecrets: string[] = [],
    ): Promise<void> {
      const { client, notices } = await connect(database, true);
      try {
        const mine = seededOf(self).employees.map((e) => e.email);
        for (const [sql, prologue] of queries(emp, ent)) {
          if (prologue.length) {
            // The forced plan really is an index scan, the leaky function a filter on top of it.
            const plan = (await asTenant(client, self, `EXPLAIN (COSTS OFF) ${sql}`, [], prologue)) as {
              'QUERY PLAN': string;
            }[];
            expect(plan.map((r) => r['QUERY PLAN']).join('\n'), sql).toMatch(/Index (Only )?Scan/);
          }
          notices.length = 0;
          const result = await failure(asTenant(client, self, sql, [], prologue));
          expect(result, sql).toBeUndefined();
          const printed = notices.join('\n');
          // Not vacuous: the function did run, on A's own rows.
          expect(notices.length, sql).toBeGreaterThan(0);
          expect(
            notices.every((n) => n.startsWith('leak:')),
            sql,
          ).toBe(true);
          if (sql.includes('leak(email)') || sql.includes('leak(e.email)') || sql.includes('leak(s.email)'))
            expect(
              mine.some((m) => printed.includes(m)),
              sql,
            ).toBe(true);
          for (const secret of [...others.flatMap(secretsOf), ...extraSecrets])
            expect(printed, `${sql} leaked ${secret}`).not.toContain(secret);
        }
        // Without tenant context the function is never called at all: no row qualifies.
        notices.length = 0;
        await asTenant(client, null, `SELECT * FROM ${emp} WHERE public.leak(email)`);
        expect(notices).toEqual([]);
      } finally {
        await client.end();
      }
    }

    it('prints B’s emails to a role that bypasses RLS (the probe works)', async () => {
      const { client, notices } = await connect(shared(), false); // the test owner is a superuser
      try {
        await client.query('SELECT * FROM public.employees WHERE public.leak(email)');
        expect(notices.join('\n')).toContain(employeeOf(sB, 0).email);
        notices.length = 0;
        await client.query(`SELECT * FROM ${quoteIdent(cA.placement.schema)}.employees WHERE public.leak(email)`);
        expect(notices.join('\n')).toContain('planted-secret@example.com');
      } finally {
        await client.end();
      }
    });

    it('in the shared tables: A’s context never feeds B’s rows to the function', async () => {
      await expectNoLeak(shared(), 'public.employees', 'public.wellness_entries', sA, [sB, cA, cB, dB]);
      await expectNoLeak(shared(), 'public.employees', 'public.wellness_entries', sB, [sA, cA, cB, dB]);
    });

    it('in a tenant schema: neither a stray row in its own schema nor another schema reaches the function', async () => {
      const own = (t: TenantRecord, table: string) => `${quoteIdent(t.placement.schema)}.${table}`;
      await expectNoLeak(
        shared(),
        own(cA, 'employees'),
        own(cA, 'wellness_entries'),
        cA,
        [sA, sB, cB, dB],
        ['planted-secret@example.com'],
      );
      // cA's context aimed at cB's schema: one application role serves every schema, so RLS must stop it.
      const { client, notices } = await connect(shared(), true);
      try {
        const result = await failure(
          asTenant(client, cA, `SELECT * FROM ${own(cB, 'employees')} WHERE public.leak(email)`),
        );
        if (result !== undefined) expect(pgErrorOf(result)?.code).toBe('42501');
        expect(notices).toEqual([]);
      } finally {
        await client.end();
      }
    });
  });

  describe('constraint errors reveal nothing of another tenant', () => {
    it('through the API: per-tenant uniqueness, bare 409s, and the same 404 for another tenant’s employee', async () => {
      const bEmail = employeeOf(sB, 0).email;
      // B (same shared table) holds this email; for A it is free.
      const taken = await api().post('/v1/employees').set(auth(sA)).send({ email: bEmail, fullName: 'Same Email' });
      expect(taken.status).toBe(201);
      const dupOfShared = await api().post('/v1/employees').set(auth(sA)).send({ email: bEmail, fullName: 'Again' });
      // An email only A has: the 409 must be byte-identical, so it cannot hint that B also has the first.
      const solo = `solo-${randomUUID()}@example.com`;
      expect((await api().post('/v1/employees').set(auth(sA)).send({ email: solo, fullName: 'Solo' })).status).toBe(
        201,
      );
      const dupOfSolo = await api().post('/v1/employees').set(auth(sA)).send({ email: solo, fullName: 'Again' });
      for (const res of [dupOfShared, dupOfSolo]) {
        expect(res.status).toBe(409);
        expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
        expect(res.text).not.toMatch(UUID);
        expect(res.text).not.toContain('@');
        for (const secret of [...secretsOf(sB), ...secretsOf(cB), ...secretsOf(dB)])
          expect(res.text).not.toContain(secret);
      }
      expect(sameForEveryRequest(dupOfShared.body)).toEqual(sameForEveryRequest(dupOfSolo.body));
      // Renaming onto the email is a 409 for the same reason, and equally bare.
      const rename = await api().patch(`/v1/employees/${taken.body.id}`).set(auth(sA)).send({ email: solo });
      expect(rename.status).toBe(409);
      expect(sameForEveryRequest(rename.body)).toEqual(sameForEveryRequest(dupOfSolo.body));
      expect((await api().delete(`/v1/employees/${taken.body.id}`).set(auth(sA))).status).toBe(204);

      // A wellness entry for B's employee (shared table, schema, database): exactly "no such employee".
      const entry = (employeeId: string) =>
        api()
          .post('/v1/wellness-entries')
          .set(auth(sA))
          .send({ employeeId, kind: 'mood', value: 3, loggedOn: '2026-05-02' });
      const nobody = await entry(randomUUID());
      expect(nobody.status).toBe(404);
      for (const victim of [sB, cB, dB]) {
        const res = await entry(employeeOf(victim, 1).id);
        expect(res.status, victim.slug).toBe(404);
        expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
        expect(JSON.stringify(sameForEveryRequest(res.body)), victim.slug).toBe(
          JSON.stringify(sameForEveryRequest(nobody.body)),
        );
      }
      const list = await api().get('/v1/wellness-entries?limit=100').set(auth(sA));
      expect(list.body.items.map((e: { id: string }) => e.id).sort()).toEqual([...seededOf(sA).entries].sort());
    });

    it('at the SQL level: A’s writes into B’s rows fail on RLS (42501) before any constraint can answer', async () => {
      const { client } = await connect(h.config.names.sharedDatabase, true);
      const errorOf = async (tenant: TenantRecord, sql: string, params: unknown[]) => {
        const error = pgErrorOf(await failure(asTenant(client, tenant, sql, params)));
        expect(error, sql).toBeDefined();
        const { code, message, detail, hint, constraint, table, column } = error as unknown as Record<string, unknown>;
        return { code, message, detail, hint, constraint, table, column };
      };
      try {
        const b = employeeOf(sB, 0);
        const a = employeeOf(sA, 0);
        const fresh = `fresh-${randomUUID()}@example.com`;
        const cases: [string, string, (email: string, id: string) => unknown[]][] = [
          [
            'insert',
            "INSERT INTO employees (tenant_id, email, full_name) VALUES ($1, $2, 'x')",
            (email) => [sB.id, email],
          ],
          [
            'insert with B’s id',
            "INSERT INTO employees (tenant_id, id, email, full_name) VALUES ($1, $3, $2, 'x')",
            (email, id) => [sB.id, email, id],
          ],
          [
            'upsert do nothing',
            "INSERT INTO employees (tenant_id, email, full_name) VALUES ($1, $2, 'x') ON CONFLICT (tenant_id, email) DO NOTHING",
            (email) => [sB.id, email],
          ],
          [
            'upsert do update',
            "INSERT INTO employees (tenant_id, email, full_name) VALUES ($1, $2, 'x') ON CONFLICT (tenant_id, email) DO UPDATE SET full_name = 'y'",
            (email) => [sB.id, email],
          ],
          [
            'move own row to B',
            'UPDATE employees SET tenant_id = $1, email = $2 WHERE id = $3',
            (email) => [sB.id, email, a.id],
          ],
        ];
        for (const [name, sql, params] of cases) {
          // An email and id B really has, and ones nobody has: the answers must be the same RLS refusal.
          const onB = await errorOf(sA, sql, params(b.email, b.id));
          const onNothing = await errorOf(sA, sql, params(fresh, randomUUID()));
          expect(onB.code, name).toBe('42501');
          expect(onB, name).toEqual(onNothing);
          const text = JSON.stringify(onB);
          for (const secret of secretsOf(sB)) expect(text, `${name} leaked ${secret}`).not.toContain(secret);
        }
        // Referencing B's employee from A's own entry: a foreign-key error naming only what A supplied,
        // shaped exactly like the one for an id that does not exist.
        const entrySql =
          "INSERT INTO wellness_entries (tenant_id, employee_id, kind, value, logged_on) VALUES ($1, $2, 'steps', 1, '2026-05-03')";
        const missing = randomUUID();
        const fk = await errorOf(sA, entrySql, [sA.id, b.id]);
        const fkMissing = await errorOf(sA, entrySql, [sA.id, missing]);
        expect(fk.code).toBe('23503');
        expect(JSON.parse(JSON.stringify(fk).replaceAll(b.id, 'ID'))).toEqual(
          JSON.parse(JSON.stringify(fkMissing).replaceAll(missing, 'ID')),
        );
        for (const secret of secretsOf(sB).filter((s) => s !== b.id)) expect(JSON.stringify(fk)).not.toContain(secret);
        // Writing the entry into B's space outright is refused by RLS.
        expect((await errorOf(sA, entrySql, [sB.id, b.id])).code).toBe('42501');

        // In a tenant schema, RLS is the second wall: cA cannot write a row of cB into its own schema.
        const schemaInsert = `INSERT INTO ${quoteIdent(cA.placement.schema)}.employees (tenant_id, email, full_name) VALUES ($1, $2, 'x')`;
        const inSchema = await errorOf(cA, schemaInsert, [cB.id, employeeOf(cB, 0).email]);
        expect(inSchema.code).toBe('42501');
        for (const secret of secretsOf(cB).filter((s) => s !== employeeOf(cB, 0).email))
          expect(JSON.stringify(inSchema)).not.toContain(secret);
      } finally {
        await client.end();
      }
      // Nothing was written anywhere.
      const written = await h.ownerQuery<{ n: number }>(
        h.config.names.sharedDatabase,
        "SELECT count(*)::int AS n FROM public.employees WHERE email LIKE 'fresh-%' OR full_name IN ('x', 'y')",
      );
      expect(written).toEqual([{ n: 0 }]);
    });
  });

  describe('timing', () => {
    it('a "not found" takes as long for another tenant’s id as for an id nobody has', async () => {
      const foreign = [sB, cB, dB].flatMap((t) => seededOf(t).employees.map((e) => e.id)); // sB: same table
      const headers = auth(sA);
      let seed = 0x7e57;
      const random = () => {
        seed = (Math.imul(seed, 1103515245) + 12345) >>> 0;
        return seed / 2 ** 32;
      };
      const time = async (id: string): Promise<number> => {
        const start = performance.now();
        const res = await fetch(`${baseUrl}/v1/employees/${id}`, { headers });
        const body = await res.text();
        const elapsed = performance.now() - start;
        expect(res.status, body).toBe(404);
        return elapsed;
      };
      const ofOthers: number[] = [];
      const ofNobody: number[] = [];
      const differences: number[] = [];
      const pairs = 300;
      for (let i = -40; i < pairs; i++) {
        // Interleaved pairs in random order, so drift and order effects hit both groups alike.
        const foreignId = at(foreign, i >= 0 ? i % foreign.length : 0, 'foreign employee id');
        const nobodysId = uuidv7();
        let other: number;
        let nobody: number;
        if (random() < 0.5) {
          other = await time(foreignId);
          nobody = await time(nobodysId);
        } else {
          nobody = await time(nobodysId);
          other = await time(foreignId);
        }
        if (i < 0) continue; // warm-up
        ofOthers.push(other);
        ofNobody.push(nobody);
        differences.push(other - nobody);
      }
      const median = (xs: number[]) => {
        const s = [...xs].sort((a, b) => a - b);
        const lower = at(s, (s.length - 1) >> 1, 'sample');
        const upper = at(s, s.length >> 1, 'sample');
        return (lower + upper) / 2;
      };
      const mOthers = median(ofOthers);
      const mNobody = median(ofNobody);
      // Median of paired differences (drift-proof), relative to the typical latency.
      const pairedShift = median(differences) / mNobody;
      // Mann-Whitney: probability that a foreign-id request is slower than a random-id one.
      let greater = 0;
      for (const x of ofOthers) for (const y of ofNobody) greater += x > y ? 1 : x === y ? 0.5 : 0;
      const auc = greater / (ofOthers.length * ofNobody.length);
      const report = { mOthers, mNobody, pairedShift, auc };
      console.info('not-found timing (ms):', report);
      expect(Math.abs(mOthers - mNobody) / Math.min(mOthers, mNobody), JSON.stringify(report)).toBeLessThan(0.25);
      expect(Math.abs(pairedShift), JSON.stringify(report)).toBeLessThan(0.25);
      expect(auc, JSON.stringify(report)).toBeGreaterThan(0.3);
      expect(auc, JSON.stringify(report)).toBeLessThan(0.7);
    });
  });
});
