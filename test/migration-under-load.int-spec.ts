import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TenantRecord } from '@switchyard/control-plane';
import { FleetMigrationService } from '@switchyard/migrations';
import { at } from './support/elements';
import { startHarness, type Harness } from './support/harness';
import { MigrationsDir } from './support/migrations-dir';

/**
 * A migration that changes a prepared statement's result columns, applied across the fleet while the
 * API serves every tier through small and larger pools: each (connection, schema) pair holds its own
 * prepared copy of the statements the migration outdates, and not one request may fail.
 */
describe.each([
  ['1', '1'],
  ['2', '2'],
  ['8', '2'],
])(
  'a result-type-changing migration under load (shared pool %s, tenant database pools %s)',
  (sharedPool, databasePool) => {
    let h: Harness;
    let dir: MigrationsDir;
    const tenants: { tenant: TenantRecord; auth: { Authorization: string }; employeeId: string }[] = [];

    beforeAll(async () => {
      dir = new MigrationsDir();
      h = await startHarness({
        MIGRATIONS_DIR: dir.path,
        SHARED_POOL_MAX: sharedPool,
        DATABASE_POOL_MAX: databasePool,
      });
      for (const [slug, tier] of [
        ['mul-shared', 'shared'],
        ['mul-schema-a', 'schema'],
        ['mul-schema-b', 'schema'],
        ['mul-schema-c', 'schema'],
        ['mul-database', 'database'],
      ] as const) {
        const tenant = await h.createTenant(slug, tier);
        const auth = { Authorization: `Bearer ${h.tokenFor(tenant.id)}` };
        const res = await h
          .apiRequest()
          .post('/v1/employees')
          .set(auth)
          .send({ email: `${slug}@load.io`, fullName: slug });
        expect(res.status).toBe(201);
        tenants.push({ tenant, auth, employeeId: res.body.id });
      }
    });
    afterAll(async () => {
      await h?.close();
      dir?.dispose();
    });

    it('fails no request while every statement that returns the changed column is prepared again', async () => {
      const failures: string[] = [];
      let requests = 0;
      let running = true;
      const loop = async (worker: number) => {
        for (let i = worker; running; i++) {
          const { auth, employeeId } = at(tenants, i % tenants.length, 'tenant');
          const [one, page] = await Promise.all([
            h.apiRequest().get(`/v1/employees/${employeeId}`).set(auth),
            h.apiRequest().get('/v1/employees?limit=10').set(auth),
          ]);
          requests += 2;
          for (const res of [one, page])
            if (res.status !== 200) failures.push(`${res.status} ${res.text.slice(0, 200)}`);
        }
      };
      const loops = Array.from({ length: 8 }, (_, w) => loop(w));
      await expect.poll(() => requests).toBeGreaterThan(100); // every connection has its copies prepared

      dir.add('0002_wider_full_name', 'ALTER TABLE "employees" ALTER COLUMN "full_name" TYPE varchar(300);');
      const report = await h.controlPlane.get(FleetMigrationService).run({});
      expect(report.ok).toBe(true);
      const after = requests;
      await expect.poll(() => requests).toBeGreaterThan(after + 200);
      running = false;
      await Promise.all(loops);

      expect(failures).toEqual([]);
      // The column really changed type under the prepared statements, in every tier.
      const shared = await h.ownerQuery(
        h.config.names.sharedDatabase,
        "SELECT data_type FROM information_schema.columns WHERE table_schema = 'public' AND table_name = 'employees' AND column_name = 'full_name'",
      );
      expect(shared).toEqual([{ data_type: 'character varying' }]);
    });
  },
);
