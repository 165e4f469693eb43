import { randomUUID } from 'node:crypto';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ArchiveService } from '@switchyard/archive';
import { TenantsRepository, type TenantRecord, type Tier } from '@switchyard/control-plane';
import { FleetMigrationService } from '@switchyard/migrations';
import { TenantDb } from '@switchyard/tenancy';
import { manifestOf } from './support/archives';
import { startHarness, type Harness } from './support/harness';
import { BADGES } from './support/badges-table';
import { MigrationsDir } from './support/migrations-dir';

/** What a later release does: renames a column, and adds one with a default. */
const LATER = [
  `ALTER TABLE "badges" RENAME COLUMN "title" TO "label";`,
  `ALTER TABLE "employees" ADD COLUMN "nickname" text DEFAULT 'none' NOT NULL;`,
].join('--> statement-breakpoint\n');

describe('an archive taken before a migration', () => {
  let h: Harness;
  let dir: MigrationsDir;

  beforeAll(async () => {
    dir = new MigrationsDir();
    dir.add('0004_badges', BADGES);
    h = await startHarness({ MIGRATIONS_DIR: dir.path, MOVE_WORKER: 'false' });
  });
  afterAll(async () => {
    await h?.close();
    dir?.dispose();
  });

  const rows = (tenant: TenantRecord, query: ReturnType<typeof sql>) =>
    h.api
      .get(TenantDb)
      .statementFor(tenant.id, (tx) => tx.db.execute<Record<string, string>>(query))
      .then((r) => r.rows);

  it('restores after it in every tier: renamed columns by their new name, added columns at their default', async () => {
    const original = await h.createTenant('old-archive', 'schema');
    await h.api.get(TenantDb).transactionFor(original.id, async (tx) => {
      for (let i = 0; i < 20; i++) {
        const id = randomUUID();
        await tx.db.execute(sql`INSERT INTO employees (id, email, full_name) VALUES (${id}, ${`e${i}@old.io`}, 'Old')`);
        await tx.db.execute(sql`INSERT INTO badges (employee_id, title) VALUES (${id}, ${`badge ${i}`})`);
      }
    });
    const out = new PassThrough();
    const chunks: Buffer[] = [];
    out.on('data', (chunk: Buffer) => chunks.push(chunk));
    await h.controlPlane.get(ArchiveService).export(original.slug, out);
    const archive = Buffer.concat(chunks);
    const manifest = await manifestOf(archive);
    expect(manifest.schemaVersion).toBe('0004_badges');
    expect(manifest.tables.find((t) => t.name === 'badges')?.columns).toEqual(['id', 'employee_id', 'title']);

    dir.add('0005_badge_label', LATER);
    expect((await h.controlPlane.get(FleetMigrationService).run({})).ok).toBe(true);

    const file = join(dir.path, 'old.tar');
    await writeFile(file, archive);
    const badgesBefore = await rows(original, sql`SELECT id, employee_id, label FROM badges ORDER BY id`);
    expect(badgesBefore).toHaveLength(20);
    for (const tier of ['shared', 'schema', 'database'] satisfies Tier[]) {
      const result = await h.controlPlane.get(ArchiveService).import(file, { slug: `old-archive-${tier}`, tier });
      expect(result.tenant.schemaVersion).toBe('0005_badge_label');
      const copy = (await h.controlPlane.get(TenantsRepository).findById(result.tenant.id))!;
      expect(await rows(copy, sql`SELECT id, employee_id, label FROM badges ORDER BY id`)).toEqual(badgesBefore);
      expect(await rows(copy, sql`SELECT DISTINCT nickname FROM employees`)).toEqual([{ nickname: 'none' }]);
      expect(await rows(copy, sql`SELECT id, email, full_name, created_at::text FROM employees ORDER BY id`)).toEqual(
        await rows(original, sql`SELECT id, email, full_name, created_at::text FROM employees ORDER BY id`),
      );
    }
  });
});
