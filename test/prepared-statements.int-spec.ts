import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TenantRecord } from '@switchyard/control-plane';
import { ConnectionResolver, PoolRegistry, TenantDb } from '@switchyard/tenancy';
import { EmployeesRepository } from '@switchyard/tenant-data';
import { sql } from 'drizzle-orm';
import { first } from './support/elements';
import { startHarness, type Harness } from './support/harness';
import { waitFor } from './support/wait';

/**
 * Hot statements stay prepared on each application connection (one copy per statement and schema,
 * least recently used out). These tests pin every pool to a single connection, so each request meets
 * the statements the previous ones left behind.
 */
describe('prepared statements on application connections', () => {
  let h: Harness;
  let tenantDb: TenantDb;
  let employees: EmployeesRepository;
  const schemaTenants: { tenant: TenantRecord; employeeId: string; email: string }[] = [];
  let shared: { tenant: TenantRecord; employeeId: string };

  const preparedNames = async (tenantId: string) =>
    (
      await tenantDb.statementFor(tenantId, (tx) =>
        tx.db.execute<{ name: string }>(sql`select name from pg_prepared_statements order by name`),
      )
    ).rows.map((r) => r.name);

  beforeAll(async () => {
    h = await startHarness({ SHARED_POOL_MAX: '1', DATABASE_POOL_MAX: '1', PG_STATEMENT_CACHE_SIZE: '2' });
    tenantDb = h.api.get(TenantDb);
    employees = h.api.get(EmployeesRepository);
    for (const slug of ['prep-one', 'prep-two', 'prep-three']) {
      const tenant = await h.createTenant(slug, 'schema');
      const email = `${slug}@example.com`;
      const employee = await tenantDb.statementFor(tenant.id, (tx) => employees.insert(tx, { email, fullName: slug }));
      schemaTenants.push({ tenant, employeeId: employee.id, email });
    }
    const tenant = await h.createTenant('prep-shared', 'shared');
    const employee = await tenantDb.statementFor(tenant.id, (tx) =>
      employees.insert(tx, { email: 'shared@example.com', fullName: 'Shared' }),
    );
    shared = { tenant, employeeId: employee.id };
  });
  afterAll(() => h?.close());

  it('keeps one copy per schema, at most PG_STATEMENT_CACHE_SIZE, and every tenant still reads only its own row', async () => {
    for (let round = 0; round < 4; round++) {
      for (const own of schemaTenants) {
        const row = await tenantDb.statementFor(own.tenant.id, (tx) => employees.findById(tx, own.employeeId));
        expect(row?.email).toBe(own.email);
        for (const other of schemaTenants.filter((t) => t !== own)) {
          expect(
            await tenantDb.statementFor(own.tenant.id, (tx) => employees.findById(tx, other.employeeId)),
          ).toBeUndefined();
        }
      }
    }
    const names = await preparedNames(first(schemaTenants, 'schema tenant').tenant.id);
    expect(names).toContain('switchyard.context');
    const byId = names.filter((n) => n.startsWith('employees.by_id#'));
    expect(byId.length).toBeGreaterThan(0);
    expect(names.filter((n) => n !== 'switchyard.context').length).toBeLessThanOrEqual(2);
  });

  it('prepares a statement again after a migration changed its result columns', async () => {
    const read = () => tenantDb.statementFor(shared.tenant.id, (tx) => employees.findById(tx, shared.employeeId));
    expect((await read())?.fullName).toBe('Shared');
    expect((await read())?.fullName).toBe('Shared'); // prepared from its second use
    expect(await preparedNames(shared.tenant.id)).toEqual(
      expect.arrayContaining([expect.stringMatching(/^employees\.by_id#/)]),
    );
    await h.ownerQuery(
      shared.tenant.placement.database,
      'ALTER TABLE public.employees ALTER COLUMN full_name TYPE varchar(200)',
    );
    expect((await read())?.fullName).toBe('Shared');
    expect((await read())?.fullName).toBe('Shared');
  });

  it('a statement that failed to prepare does not break the connection for the next tenant', async () => {
    const [broken, healthy] = schemaTenants;
    if (!broken || !healthy) throw new Error('the test needs two schema tenants');
    await h.ownerQuery(
      broken.tenant.placement.database,
      `ALTER TABLE "${broken.tenant.placement.schema}".employees RENAME TO employees_away`,
    );
    // A fresh connection, so the context statement is parsed in the same batch as the failing one.
    await h.ownerQuery(
      broken.tenant.placement.database,
      'SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE usename = $1 AND datname = current_database()',
      [h.config.names.appRole],
    );
    const { route } = await h.api.get(ConnectionResolver).resolve(broken.tenant.id);
    const pool = h.api.get(PoolRegistry).get(route.server, route.database, route.poolKind);
    await waitFor(
      () => pool.totalCount,
      (connections) => connections === 0,
      { what: 'the pool to drop its terminated connection' },
    );
    try {
      // The Parse itself fails (relation does not exist), and is retried on the same connection.
      await expect(tenantDb.statementFor(broken.tenant.id, (tx) => employees.list(tx, 5))).rejects.toMatchObject({
        cause: { code: '42P01' },
      });
      const rows = await tenantDb.statementFor(healthy.tenant.id, (tx) => employees.list(tx, 5));
      expect(rows.map((r) => r.email)).toEqual([healthy.email]);
    } finally {
      await h.ownerQuery(
        broken.tenant.placement.database,
        `ALTER TABLE "${broken.tenant.placement.schema}".employees_away RENAME TO employees`,
      );
    }
    const back = await tenantDb.statementFor(broken.tenant.id, (tx) => employees.list(tx, 5));
    expect(back.map((r) => r.email)).toEqual([broken.email]);
  });
});

describe('PG_PREPARED_STATEMENTS=false', () => {
  let h: Harness;
  afterAll(() => h?.close());

  it('leaves nothing prepared on the server (for poolers without prepared-statement support)', async () => {
    h = await startHarness({ SHARED_POOL_MAX: '1', PG_PREPARED_STATEMENTS: 'false' });
    const tenantDb = h.api.get(TenantDb);
    const employees = h.api.get(EmployeesRepository);
    const tenant = await h.createTenant('unprepared', 'shared');
    const created = await tenantDb.statementFor(tenant.id, (tx) =>
      employees.insert(tx, { email: 'u@example.com', fullName: 'U' }),
    );
    expect((await tenantDb.statementFor(tenant.id, (tx) => employees.findById(tx, created.id)))?.email).toBe(
      'u@example.com',
    );
    const names = await tenantDb.statementFor(tenant.id, (tx) =>
      tx.db.execute<{ name: string }>(sql`select name from pg_prepared_statements`),
    );
    expect(names.rows).toEqual([]);
  });
});
