import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Client } from 'pg';
import { eq, sql } from 'drizzle-orm';
import type { TenantRecord } from '@switchyard/control-plane';
import { pgErrorOf, withCredentials, withDatabase } from '@switchyard/postgres';
import { PoolRegistry, TenantContext, TenantDb } from '@switchyard/tenancy';
import { EmployeesService, TENANT_TABLES, employees, wellnessEntries } from '@switchyard/tenant-data';
import { at, singleRow } from './support/elements';
import { startHarness, type Harness } from './support/harness';

/**
 * Isolation below the API (I1, I2, I4): what PostgreSQL itself enforces for the application role, and
 * what TenantDb guarantees when one pooled connection serves every tenant in turn.
 */
describe('tenant isolation in the database', () => {
  let h: Harness;
  let tenantDb: TenantDb;
  let sA: TenantRecord; // shared
  let sB: TenantRecord; // shared, same tables as sA
  let cA: TenantRecord; // schema
  let cB: TenantRecord; // schema
  let dA: TenantRecord; // database
  let all: TenantRecord[];

  /** Owner view of a tenant's rows in its own storage (the test server's owner is a superuser). */
  const ownerRows = (t: TenantRecord, table: string) =>
    h.ownerQuery<{ id: string; tenant_id: string }>(
      t.placement.database,
      `SELECT tenant_id, id FROM "${t.placement.schema}".${table} WHERE tenant_id = $1 ORDER BY id`,
      [t.id],
    );
  const ownerCount = async (database: string, qualifiedTable: string) =>
    singleRow(await h.ownerQuery<{ n: number }>(database, `SELECT count(*)::int AS n FROM ${qualifiedTable}`), 'count')
      .n;

  const appUrl = (database: string) =>
    withCredentials(withDatabase(h.config.databaseUrl, database), h.config.names.appRole, h.config.appRolePassword);
  async function asApp<T>(database: string, fn: (client: Client) => Promise<T>): Promise<T> {
    const client = new Client({ connectionString: appUrl(database) });
    await client.connect();
    try {
      return await fn(client);
    } finally {
      await client.end();
    }
  }
  const count = async (client: Client, table: string) =>
    Number((await client.query(`SELECT count(*)::int AS n FROM ${table}`)).rows[0].n);
  const failure = (promise: Promise<unknown>) =>
    promise.then(
      () => undefined,
      (error: unknown) => error,
    );

  async function seed(t: TenantRecord, n: number): Promise<void> {
    const auth = { Authorization: `Bearer ${h.tokenFor(t.id)}` };
    for (let i = 0; i < n; i++) {
      const employee = await h
        .apiRequest()
        .post('/v1/employees')
        .set(auth)
        .send({ email: `seed${i}@example.com`, fullName: `Seed ${i}` });
      expect(employee.status).toBe(201);
      const entry = await h
        .apiRequest()
        .post('/v1/wellness-entries')
        .set(auth)
        .send({ employeeId: employee.body.id, kind: 'steps', value: 100 * (i + 1), loggedOn: '2026-02-01' });
      expect(entry.status).toBe(201);
    }
  }

  beforeAll(async () => {
    // One connection per pool: every shared- and schema-tier transaction reuses the same backend.
    h = await startHarness({
      SHARED_POOL_MAX: '1',
      DATABASE_POOL_MAX: '1',
      STATEMENT_TIMEOUT_MS: '300',
      POOL_IDLE_TIMEOUT_MS: '600000',
    });
    tenantDb = h.api.get(TenantDb);
    sA = await h.createTenant('iso-sql-shared-a', 'shared');
    sB = await h.createTenant('iso-sql-shared-b', 'shared');
    cA = await h.createTenant('iso-sql-schema-a', 'schema');
    cB = await h.createTenant('iso-sql-schema-b', 'schema');
    dA = await h.createTenant('iso-sql-database-a', 'database');
    all = [sA, sB, cA, cB, dA];
    await seed(sA, 2);
    await seed(sB, 3);
    await seed(cA, 1);
    await seed(cB, 2);
    await seed(dA, 2);
  });
  afterAll(() => h?.close());

  it('a query without a tenant filter still sees only its own tenant (RLS does the filtering)', async () => {
    // Both shared tenants really are in the same physical table (other tests may have added rows to it).
    const [inA, inB] = [(await ownerRows(sA, 'employees')).length, (await ownerRows(sB, 'employees')).length];
    expect(inA > 0 && inB > 0).toBe(true);
    expect(await ownerCount(h.config.names.sharedDatabase, 'public.employees')).toBe(inA + inB);
    for (const t of all) {
      const ownEmployees = (await ownerRows(t, 'employees')).map((r) => r.id);
      const ownEntries = (await ownerRows(t, 'wellness_entries')).map((r) => r.id);
      const others = all.filter((o) => o.id !== t.id).map((o) => o.id);
      const seen = await tenantDb.transactionFor(t.id, async ({ db }) => ({
        employees: await db.select().from(employees),
        entries: await db.select().from(wellnessEntries),
        counts: singleRow(
          (
            await db.execute<{ e: number; w: number }>(
              sql`select (select count(*) from employees)::int as e, (select count(*) from wellness_entries)::int as w`,
            )
          ).rows,
          'counts',
        ),
        // Even naming another tenant explicitly finds nothing.
        foreign: singleRow(
          (await db.execute<{ n: number }>(sql`select count(*)::int as n from employees where tenant_id in ${others}`))
            .rows,
          'count',
        ).n,
      }));
      expect(seen.employees.map((r) => r.id).sort(), t.slug).toEqual(ownEmployees);
      expect(seen.employees.every((r) => r.tenantId === t.id)).toBe(true);
      expect(seen.entries.map((r) => r.id).sort(), t.slug).toEqual(ownEntries);
      expect(seen.entries.every((r) => r.tenantId === t.id)).toBe(true);
      expect(seen.counts).toEqual({ e: ownEmployees.length, w: ownEntries.length });
      expect(seen.foreign).toBe(0);
    }
  });

  it('fails closed for the application role without tenant context, and the context is transaction-local', async () => {
    const shared = h.config.names.sharedDatabase;
    const schemaTable = `"${cA.placement.schema}".employees`;
    const before = {
      shared: await ownerCount(shared, 'public.employees'),
      schema: await ownerCount(shared, schemaTable),
      entries: await ownerCount(shared, 'public.wellness_entries'),
      ofA: (await ownerRows(sA, 'employees')).length,
      ofB: (await ownerRows(sB, 'employees')).length,
    };
    expect(before.shared).toBeGreaterThan(0);
    expect(before.schema).toBeGreaterThan(0);
    const aEmployee = at(await ownerRows(sA, 'employees'), 0, `employee of ${sA.slug}`);

    await asApp(shared, async (client) => {
      // Rows exist, but without context nothing is visible: autocommit, explicit transaction, tenant schema.
      expect(await count(client, 'employees')).toBe(0);
      expect(await count(client, 'wellness_entries')).toBe(0);
      expect(await count(client, schemaTable)).toBe(0);
      await client.query('BEGIN');
      expect(await count(client, 'employees')).toBe(0);
      expect(await count(client, `"${cA.placement.schema}".wellness_entries`)).toBe(0);
      await client.query('COMMIT');

      // Every write is refused or touches nothing.
      const implicit = await failure(
        client.query("INSERT INTO employees (email, full_name) VALUES ('ghost@example.com', 'Ghost')"),
      );
      expect(['42501', '23502']).toContain(pgErrorOf(implicit)?.code);
      const explicit = await failure(
        client.query("INSERT INTO employees (tenant_id, email, full_name) VALUES ($1, 'ghost@example.com', 'Ghost')", [
          sA.id,
        ]),
      );
      expect(pgErrorOf(explicit)?.code).toBe('42501');
      const entry = await failure(
        client.query(
          "INSERT INTO wellness_entries (tenant_id, employee_id, kind, value, logged_on) VALUES ($1, $2, 'steps', 1, '2026-01-01')",
          [sA.id, aEmployee.id],
        ),
      );
      expect(pgErrorOf(entry)?.code).toBe('42501');
      const schemaInsert = await failure(
        client.query(
          `INSERT INTO ${schemaTable} (tenant_id, email, full_name) VALUES ($1, 'ghost@example.com', 'Ghost')`,
          [cA.id],
        ),
      );
      expect(pgErrorOf(schemaInsert)?.code).toBe('42501');
      expect((await client.query("UPDATE employees SET full_name = 'Hacked'")).rowCount).toBe(0);
      expect((await client.query('DELETE FROM wellness_entries')).rowCount).toBe(0);
      expect((await client.query(`DELETE FROM ${schemaTable}`)).rowCount).toBe(0);

      // A committed transaction with context leaves nothing behind on this session.
      await client.query('BEGIN');
      await client.query("SELECT set_config('switchyard.tenant_id', $1, true)", [sA.id]);
      expect(await count(client, 'employees')).toBe(before.ofA);
      await client.query('COMMIT');
      expect(
        (await client.query("SELECT coalesce(current_setting('switchyard.tenant_id', true), '') AS tid")).rows[0].tid,
      ).toBe('');
      await client.query('BEGIN');
      expect(await count(client, 'employees')).toBe(0);
      expect(await count(client, 'wellness_entries')).toBe(0);
      await client.query('COMMIT');
      expect(await count(client, 'employees')).toBe(0);
      const after = await failure(
        client.query("INSERT INTO employees (email, full_name) VALUES ('ghost2@example.com', 'Ghost')"),
      );
      expect(['42501', '23502']).toContain(pgErrorOf(after)?.code);

      // Same after a rolled-back one.
      await client.query('BEGIN');
      await client.query("SELECT set_config('switchyard.tenant_id', $1, true)", [sB.id]);
      expect(await count(client, 'employees')).toBe(before.ofB);
      await client.query('ROLLBACK');
      expect(await count(client, 'employees')).toBe(0);
    });

    // The library refuses to run tenant work with no tenant in context.
    await expect((async () => h.api.get(EmployeesService).list(10))()).rejects.toMatchObject({
      code: 'NO_TENANT_CONTEXT',
    });

    // The second wall in a dedicated database works the same way.
    await asApp(dA.placement.database, async (client) => {
      expect(await count(client, 'employees')).toBe(0);
      expect(await count(client, 'wellness_entries')).toBe(0);
      const insert = await failure(
        client.query("INSERT INTO employees (tenant_id, email, full_name) VALUES ($1, 'ghost@example.com', 'Ghost')", [
          dA.id,
        ]),
      );
      expect(pgErrorOf(insert)?.code).toBe('42501');
    });

    expect(await ownerCount(shared, 'public.employees')).toBe(before.shared);
    expect(await ownerCount(shared, schemaTable)).toBe(before.schema);
    expect(await ownerCount(shared, "public.employees WHERE full_name = 'Hacked' OR email LIKE 'ghost%'")).toBe(0);
    expect(await ownerCount(shared, 'public.wellness_entries')).toBe(before.entries);
  });

  it('never leaks context across a reused connection, errors, rollbacks and cancelled queries', async () => {
    const context = h.api.get(TenantContext);
    const service = h.api.get(EmployeesService);
    const tenants = [sA, sB, cA, cB, dA];
    const pool = ['p0@example.com', 'p1@example.com', 'p2@example.com', 'p3@example.com', 'p4@example.com'];
    // Expected emails per tenant, starting from what the tenant holds now (read as the owner).
    const expected = new Map<string, Set<string>>();
    for (const t of tenants) {
      const rows = await h.ownerQuery<{ email: string }>(
        t.placement.database,
        `SELECT email FROM "${t.placement.schema}".employees WHERE tenant_id = $1`,
        [t.id],
      );
      expected.set(t.id, new Set(rows.map((r) => r.email)));
    }
    let seed = 0x5eed; // fixed: a failure replays identically
    const random = () => {
      seed = (seed + 0x6d2b79f5) | 0;
      let x = Math.imul(seed ^ (seed >>> 15), 1 | seed);
      x = (x + Math.imul(x ^ (x >>> 7), 61 | x)) ^ x;
      return ((x ^ (x >>> 14)) >>> 0) / 2 ** 32;
    };
    const pick = <T>(items: T[]): T => at(items, Math.floor(random() * items.length), 'item to pick');
    const pids = new Set<number>();

    async function verify(t: TenantRecord, step: string): Promise<void> {
      const seen = await tenantDb.transactionFor(t.id, async ({ db }) => ({
        ctx: singleRow(
          (
            await db.execute<{ tid: string; sp: string; cs: string; pid: number }>(
              sql`select current_setting('switchyard.tenant_id', true) as tid, current_setting('search_path') as sp, current_schema() as cs, pg_backend_pid() as pid`,
            )
          ).rows,
          'context row',
        ),
        rows: await db
          .select({ tenantId: employees.tenantId, email: employees.email, fullName: employees.fullName })
          .from(employees),
      }));
      if (t.placement.database === h.config.names.sharedDatabase) pids.add(seen.ctx.pid);
      const where = `${step}: ${t.slug}`;
      expect({ tid: seen.ctx.tid, sp: seen.ctx.sp, cs: seen.ctx.cs }, where).toEqual({
        tid: t.id,
        sp: `"${t.placement.schema}"`,
        cs: t.placement.schema,
      });
      expect(seen.rows.map((r) => r.email).sort(), where).toEqual([...expected.get(t.id)!].sort());
      expect(
        seen.rows.every(
          (r) => r.tenantId === t.id && (!r.fullName.startsWith('touched:') || r.fullName === `touched:${t.slug}`),
        ),
        where,
      ).toBe(true);
    }

    const operations: Record<string, (t: TenantRecord, own: Set<string>) => Promise<void>> = {
      check: (t) => verify(t, 'inline check'),
      serviceList: async (t, own) => {
        const page = await context.run(t.id, () => service.list(100));
        expect(page.items.map((e) => e.email).sort(), t.slug).toEqual([...own].sort());
      },
      serviceInsert: async (t, own) => {
        const email = pool.find((e) => !own.has(e));
        if (!email) return;
        await context.run(t.id, () => service.create({ email, fullName: 'Pooled' }));
        own.add(email);
      },
      // Relies on the column default (tenant_id from the context) and on search_path for the table.
      rawInsert: async (t, own) => {
        const email = pool.find((e) => !own.has(e));
        if (!email) return;
        const rows = await tenantDb.transactionFor(
          t.id,
          async ({ db }) =>
            (
              await db.execute<{ tenant_id: string }>(
                sql`insert into employees (email, full_name) values (${email}, 'Raw') returning tenant_id`,
              )
            ).rows,
        );
        expect(rows).toEqual([{ tenant_id: t.id }]);
        own.add(email);
      },
      duplicate: async (t, own) => {
        const email = [...own][0];
        if (!email) return;
        const error = await failure(context.run(t.id, () => service.create({ email, fullName: 'Duplicate' })));
        expect(error).toMatchObject({ code: 'EMAIL_TAKEN' });
      },
      throwMidway: async (t) => {
        const error = await failure(
          tenantDb.transactionFor(t.id, async ({ db }) => {
            await db
              .insert(employees)
              .values({ tenantId: t.id, email: `ghost-${random()}@example.com`, fullName: 'Ghost' });
            throw new Error('boom');
          }),
        );
        expect((error as Error).message).toBe('boom');
      },
      timeout: async (t) => {
        const error = await failure(
          tenantDb.transactionFor(t.id, async ({ db }) => {
            await db.execute(
              sql`insert into employees (email, full_name) values ('ghost-timeout@example.com', 'Ghost')`,
            );
            // Longer than STATEMENT_TIMEOUT_MS: the pause is what trips the timeout under test.
            await db.execute(sql`select pg_sleep(2)`);
          }),
        );
        expect(pgErrorOf(error)?.code).toBe('57014');
      },
      // No tenant filter: the same email exists in other tenants, only this tenant's row may go.
      unfilteredDelete: async (t, own) => {
        const email = [...own].find((e) => pool.includes(e));
        if (!email) return;
        const rows = await tenantDb.transactionFor(t.id, ({ db }) =>
          db.delete(employees).where(eq(employees.email, email)).returning({ tenantId: employees.tenantId }),
        );
        expect(rows).toEqual([{ tenantId: t.id }]);
        own.delete(email);
      },
      unfilteredUpdate: async (t, own) => {
        const rows = await tenantDb.transactionFor(t.id, ({ db }) =>
          db
            .update(employees)
            .set({ fullName: `touched:${t.slug}` })
            .returning({ tenantId: employees.tenantId }),
        );
        expect(rows.length).toBe(own.size);
        expect(rows.every((r) => r.tenantId === t.id)).toBe(true);
      },
    };
    // The very connections TenantDb just used, queried bare (no prologue): no context may linger on them.
    const registry = h.api.get(PoolRegistry);
    const pools = [
      registry.get(sA.placement.server, sA.placement.database, 'shared'),
      registry.get(dA.placement.server, dA.placement.database, 'tenant-database'),
    ];
    async function verifyBare(step: string): Promise<void> {
      for (const p of pools) {
        const { rows } = await p.query(
          `SELECT coalesce(current_setting('switchyard.tenant_id', true), '') AS tid, (SELECT count(*) FROM employees)::int AS n,
                  current_setting('search_path') = (SELECT reset_val FROM pg_settings WHERE name = 'search_path') AS default_search_path`,
        );
        expect(rows[0], step).toEqual({ tid: '', n: 0, default_search_path: true });
      }
    }

    const kinds = Object.keys(operations);
    const operationOf = (kind: string) => {
      const operation = operations[kind];
      if (!operation) throw new Error(`no operation ${kind}`);
      return operation;
    };
    const seenKinds = new Set<string>();
    let done = 0;
    for (let step = 0; done < 60; step++) {
      // A batch of 1-3 operations of distinct tenants, queued concurrently on the one-connection pools.
      const batch = [...tenants].sort(() => random() - 0.5).slice(0, 1 + Math.floor(random() * 3));
      const work = batch.map((t) => ({
        t,
        kind: step % 7 === 3 ? (step % 2 ? 'timeout' : 'throwMidway') : pick(kinds),
      }));
      await Promise.all(work.map(({ t, kind }) => operationOf(kind)(t, expected.get(t.id)!)));
      work.forEach(({ kind }) => seenKinds.add(kind));
      done += batch.length;
      for (const t of tenants) await verify(t, `step ${step} (${work.map((w) => w.kind).join(', ')})`);
      await verifyBare(`step ${step}`);
    }
    expect([...seenKinds].sort()).toEqual([...kinds].sort());

    // One backend served every shared and schema tenant in turn, so reuse really was exercised.
    expect(pids.size).toBe(1);
    expect(registry.stats().every((s) => s.total <= 1)).toBe(true);
    // Nothing from a failed, thrown or cancelled transaction survived anywhere.
    expect(
      await ownerCount(
        h.config.names.sharedDatabase,
        "public.employees WHERE email LIKE 'ghost%' OR full_name = 'Duplicate'",
      ),
    ).toBe(0);
    for (const t of [cA, cB])
      expect(
        await ownerCount(t.placement.database, `"${t.placement.schema}".employees WHERE email LIKE 'ghost%'`),
      ).toBe(0);
    expect(await ownerCount(dA.placement.database, "public.employees WHERE email LIKE 'ghost%'")).toBe(0);
    // Schema-tier rows never landed in the shared tables and vice versa.
    expect(
      await ownerCount(
        h.config.names.sharedDatabase,
        `public.employees WHERE tenant_id IN ('${cA.id}', '${cB.id}', '${dA.id}')`,
      ),
    ).toBe(0);
  });

  it('runs the application role without ownership or bypass, and forces RLS on every tenant table in every tier', async () => {
    const role = h.config.names.appRole;
    const [attributes] = await h.ownerQuery(
      h.config.names.sharedDatabase,
      'SELECT rolsuper, rolbypassrls, rolcreatedb, rolcreaterole, rolreplication FROM pg_roles WHERE rolname = $1',
      [role],
    );
    expect(attributes).toEqual({
      rolsuper: false,
      rolbypassrls: false,
      rolcreatedb: false,
      rolcreaterole: false,
      rolreplication: false,
    });
    const ownedDatabases = await h.ownerQuery(
      h.config.names.sharedDatabase,
      'SELECT datname FROM pg_database WHERE datdba = (SELECT oid FROM pg_roles WHERE rolname = $1)',
      [role],
    );
    expect(ownedDatabases).toEqual([]);
    // Membership in a privileged role would hand its powers over.
    const memberships = await h.ownerQuery(
      h.config.names.sharedDatabase,
      "SELECT r.rolname FROM pg_roles r WHERE pg_has_role($1, r.oid, 'MEMBER') AND r.rolname <> $1",
      [role],
    );
    expect(memberships).toEqual([]);

    const targets = [
      { database: h.config.names.sharedDatabase, schema: 'public' },
      { database: h.config.names.sharedDatabase, schema: cA.placement.schema },
      { database: dA.placement.database, schema: 'public' },
      { database: h.config.names.controlDatabase, schema: 'public' },
    ];
    for (const { database, schema } of targets) {
      const owned = await h.ownerQuery(
        database,
        `SELECT 'relation ' || relname AS what FROM pg_class WHERE relowner = (SELECT oid FROM pg_roles WHERE rolname = $1)
         UNION ALL SELECT 'schema ' || nspname FROM pg_namespace WHERE nspowner = (SELECT oid FROM pg_roles WHERE rolname = $1)
         UNION ALL SELECT 'function ' || proname FROM pg_proc WHERE proowner = (SELECT oid FROM pg_roles WHERE rolname = $1)`,
        [role],
      );
      expect(owned, `${database}`).toEqual([]);
      if (database === h.config.names.controlDatabase) continue;

      const tables = await h.ownerQuery(
        database,
        `SELECT c.relname, c.relrowsecurity, c.relforcerowsecurity, pg_has_role($3, c.relowner, 'MEMBER') AS app_is_owner
         FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
         WHERE n.nspname = $1 AND c.relname = ANY($2) ORDER BY c.relname`,
        [schema, [...TENANT_TABLES], role],
      );
      expect(tables, `${database}.${schema}`).toEqual(
        [...TENANT_TABLES]
          .sort()
          .map((relname) => ({ relname, relrowsecurity: true, relforcerowsecurity: true, app_is_owner: false })),
      );
      const policies = await h.ownerQuery<{
        tablename: string;
        permissive: string;
        cmd: string;
        qual: string | null;
        with_check: string | null;
      }>(
        database,
        'SELECT tablename, permissive, cmd, qual, with_check FROM pg_policies WHERE schemaname = $1 AND tablename = ANY($2)',
        [schema, [...TENANT_TABLES]],
      );
      for (const table of TENANT_TABLES) {
        const own = policies.filter((p) => p.tablename === table);
        expect(
          own.some(
            (p) =>
              p.cmd === 'ALL' &&
              p.qual?.includes('switchyard.tenant_id') &&
              p.with_check?.includes('switchyard.tenant_id'),
          ),
          `${schema}.${table}`,
        ).toBe(true);
        // No other permissive policy may widen access (permissive policies are OR-ed).
        for (const p of own.filter((x) => x.permissive === 'PERMISSIVE')) {
          if (p.qual !== null) expect(p.qual, `${schema}.${table}`).toContain('switchyard.tenant_id');
          if (p.with_check !== null) expect(p.with_check, `${schema}.${table}`).toContain('switchyard.tenant_id');
        }
      }
    }
  });
});
