import { randomUUID } from 'node:crypto';
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TenantsRepository, type TenantRecord, type Tier } from '@switchyard/control-plane';
import { DoctorService } from '@switchyard/doctor';
import { FleetMigrationService } from '@switchyard/migrations';
import { MoveRunner, MovesService } from '@switchyard/moves';
import { TenantLifecycleService } from '@switchyard/provisioning';
import { TenantDb } from '@switchyard/tenancy';
import { startHarness, type Harness } from './support/harness';
import { BADGES } from './support/badges-table';
import { MigrationsDir } from './support/migrations-dir';

/**
 * What a platform engineer embedding Switchyard does: adds a tenant table of their own — a composite
 * foreign key to employees, the tenant column and policy from the tenancy library — with the documented
 * workflow (drizzle-kit's SQL, completed by the generator), then migrates, writes, moves, offboards and
 * asks the doctor. Nothing in the core knows the table's name.
 */
describe('a tenant table the core has never heard of', () => {
  let h: Harness;
  let dir: MigrationsDir;
  let tenantDb: TenantDb;
  const before: TenantRecord[] = [];

  beforeAll(async () => {
    dir = new MigrationsDir();
    h = await startHarness({ MIGRATIONS_DIR: dir.path, MOVE_WORKER: 'false' });
    tenantDb = h.api.get(TenantDb);
    for (const tier of ['shared', 'schema', 'database'] satisfies Tier[])
      before.push(await h.createTenant(`own-${tier}`, tier));
    dir.add('0002_badges', BADGES);
    const report = await h.controlPlane.get(FleetMigrationService).run({});
    expect(report.ok).toBe(true);
  });
  afterAll(async () => {
    await h?.close();
    dir?.dispose();
  });

  /** An employee and a badge for them, in one transaction, through the router as the application role. */
  const award = (tenantId: string, title: string) =>
    tenantDb.transactionFor(tenantId, async (tx) => {
      const employeeId = randomUUID();
      await tx.db.execute(
        sql`INSERT INTO employees (id, email, full_name) VALUES (${employeeId}, ${`${employeeId}@own.io`}, 'Own')`,
      );
      await tx.db.execute(sql`INSERT INTO badges (employee_id, title) VALUES (${employeeId}, ${title})`);
      return employeeId;
    });
  const badges = async (tenantId: string) =>
    (
      await tenantDb.statementFor(tenantId, (tx) => tx.db.execute<{ title: string }>(sql`SELECT title FROM badges`))
    ).rows.map((r) => r.title);
  const badgesAt = async (tenantId: string, at: { database: string; schema: string }) => {
    const database = await h.ownerQuery('postgres', 'SELECT 1 FROM pg_database WHERE datname = $1', [at.database]);
    if (!database.length) return 0; // a database the move dropped holds nothing
    const present = await h.ownerQuery<{ ok: boolean }>(at.database, 'SELECT to_regclass($1) IS NOT NULL AS ok', [
      `"${at.schema}".badges`,
    ]);
    if (!present[0]?.ok) return 0;
    const [row] = await h.ownerQuery<{ n: number }>(
      at.database,
      `SELECT count(*)::int AS n FROM "${at.schema}".badges WHERE tenant_id = $1`,
      [tenantId],
    );
    return row?.n ?? -1;
  };

  it('is migrated in every tier, and each tenant sees only its own rows in it', async () => {
    for (const tenant of before) await award(tenant.id, `first of ${tenant.slug}`);
    const fresh = await h.createTenant('own-fresh', 'schema'); // created after the migration: at the latest version
    await award(fresh.id, 'fresh');
    for (const tenant of [...before, fresh])
      expect(await badges(tenant.id)).toEqual([expect.stringMatching(/first of|fresh/)]);
  });

  it('moves with the tenant in every direction under writes: every row once, at the new place only', async () => {
    const tenant = await h.createTenant('own-mover', 'shared');
    const titles: string[] = [];
    let running = true;
    const failures: string[] = [];
    const writer = (async () => {
      for (let i = 0; running; i++) {
        await award(tenant.id, `w${i}`).then(
          () => titles.push(`w${i}`),
          (error: unknown) => failures.push(String(error)),
        );
      }
    })();
    const runner = h.controlPlane.get(MoveRunner);
    try {
      for (const tier of ['schema', 'database', 'shared', 'database', 'schema', 'shared'] satisfies Tier[]) {
        const from = (await h.controlPlane.get(TenantsRepository).findById(tenant.id))!;
        const move = await h.controlPlane.get(MovesService).request(tenant.id, { tier });
        expect(await runner.execute(move.id)).toMatchObject({ state: 'done', error: null });
        const to = (await h.controlPlane.get(TenantsRepository).findById(tenant.id))!;
        expect(await badgesAt(tenant.id, from.placement)).toBe(0);
        expect(await badgesAt(tenant.id, to.placement)).toBeGreaterThan(0);
      }
    } finally {
      running = false;
      await writer;
    }
    expect(failures).toEqual([]);
    expect((await badges(tenant.id)).sort()).toEqual([...titles].sort());
  });

  it('goes with the tenant when it is offboarded, and the doctor finds the fleet clean', async () => {
    const [shared] = before;
    expect(await badgesAt(shared!.id, shared!.placement)).toBe(1);
    await h.controlPlane.get(TenantLifecycleService).delete(shared!.id);
    expect(await badgesAt(shared!.id, shared!.placement)).toBe(0);
    const report = await h.controlPlane.get(DoctorService).run();
    expect(report.findings).toEqual([]);
  });
});
