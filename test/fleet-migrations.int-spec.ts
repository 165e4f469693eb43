import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LedgerRepository, TenantsRepository, type TenantRecord, type Tier } from '@switchyard/control-plane';
import { FleetMigrationService, MigrationStatusService, type FleetReport } from '@switchyard/migrations';
import { cliEnv, runCli, spawnCli } from './support/cli';
import { at, first, singleRow } from './support/elements';
import { startHarness, type Harness } from './support/harness';
import { MigrationsDir } from './support/migrations-dir';
import { waitFor } from './support/wait';

/**
 * One installation for the whole file; each test adds migrations of its own, under its own names, and
 * starts by bringing the fleet up to date — so none relies on what another test added or applied.
 */
describe('fleet migrations', () => {
  let h: Harness;
  let dir: MigrationsDir;
  let fleet: FleetMigrationService;
  /** One shared, two schema and two database tenants, created once; tests do not add to this list. */
  const tenants: TenantRecord[] = [];

  beforeAll(async () => {
    dir = new MigrationsDir();
    h = await startHarness({ MIGRATIONS_DIR: dir.path, MIGRATION_CONCURRENCY: '4' });
    fleet = h.controlPlane.get(FleetMigrationService);
    for (const tier of ['shared', 'schema', 'schema', 'database', 'database'] as Tier[]) {
      tenants.push(await h.createTenant(`fleet-${tier}-${tenants.length}`, tier));
    }
  });
  afterAll(async () => {
    await h?.close();
    dir?.dispose();
  });

  const tenantOf = (tier: Tier) =>
    first(
      tenants.filter((t) => t.tier === tier),
      `${tier} tenant`,
    );
  /** Where each target's tables live, as the owner sees them. */
  const places = () => [
    { database: h.config.names.sharedDatabase, schema: 'public' },
    { database: h.config.names.templateDatabase, schema: 'public' },
    ...tenants
      .filter((t) => t.tier !== 'shared')
      .map((t) => ({ database: t.placement.database, schema: t.placement.schema })),
  ];
  const hasColumn = async (place: { database: string; schema: string }, table: string, column: string) =>
    (
      await h.ownerQuery(
        place.database,
        'SELECT 1 FROM information_schema.columns WHERE table_schema = $1 AND table_name = $2 AND column_name = $3',
        [place.schema, table, column],
      )
    ).length === 1;
  const outcomes = (report: FleetReport) => Object.fromEntries(report.targets.map((t) => [t.key, t.outcome]));
  /** Brings every target up to date, so that a test starts with nothing pending. */
  const migrateAll = async () => {
    const report = await fleet.run();
    expect(report.targets.filter((t) => t.outcome === 'failed')).toEqual([]);
    return report;
  };

  it('brings shared, template, every schema and every database to the latest version; the ledger and status agree', async () => {
    await migrateAll();
    dir.add('employee_title', 'ALTER TABLE "employees" ADD COLUMN "title" text;');
    const report = await fleet.run();
    expect(report.ok).toBe(true);
    expect(report.latest).toBe('employee_title');
    expect(report.summary.total).toMatchObject({ applied: 6, failed: 0, skipped: 0 });
    expect(report.targets.map((t) => t.kind).slice(0, 2)).toEqual(['shared', 'template']);
    expect(report.targets.map((t) => t.kind).sort()).toEqual([
      'database',
      'database',
      'schema',
      'schema',
      'shared',
      'template',
    ]);
    for (const place of places()) expect(await hasColumn(place, 'employees', 'title')).toBe(true);

    const status = await h.controlPlane.get(MigrationStatusService).status();
    expect(status.summary.total).toMatchObject({ targets: 6, current: 6, behind: 0, failed: 0 });
    const ledger = h.controlPlane.get(LedgerRepository);
    for (const t of report.targets) {
      expect((await ledger.entriesFor(t.key)).find((e) => e.migration === 'employee_title')).toMatchObject({
        status: 'applied',
      });
    }
    const placement = await h.controlPlane.get(TenantsRepository).findById(tenantOf('schema').id);
    expect(placement?.schemaVersion).toBe('employee_title');

    // A tenant provisioned now starts at the latest version in every tier.
    for (const tier of ['schema', 'database'] as Tier[]) {
      const fresh = await h.createTenant(`fleet-fresh-${tier}`, tier);
      expect(fresh.schemaVersion).toBe('employee_title');
      expect(
        await hasColumn({ database: fresh.placement.database, schema: fresh.placement.schema }, 'employees', 'title'),
      ).toBe(true);
    }
  });

  it('reports a target that fails, migrates the others, and finishes only that one on a re-run', async () => {
    await migrateAll();
    const victim = tenantOf('schema');
    await h.ownerQuery(victim.placement.database, `CREATE TABLE "${victim.placement.schema}".notes (obstacle text)`);
    dir.add(
      'notes_table',
      'CREATE TABLE "notes" ("tenant_id" uuid NOT NULL, "id" uuid NOT NULL, PRIMARY KEY ("tenant_id", "id"));',
    );
    const report = await fleet.run();
    expect(report.ok).toBe(false);
    const failed = report.targets.filter((t) => t.outcome === 'failed');
    expect(failed.map((t) => t.tenant)).toEqual([victim.slug]);
    expect(at(failed, 0, 'failed target').error).toMatch(/notes_table.*already exists/);
    expect(report.summary.total.applied).toBe(report.targets.length - 1);
    const status = await h.controlPlane.get(MigrationStatusService).status();
    expect(status.targets.filter((t) => t.status === 'failed').map((t) => t.tenant)).toEqual([victim.slug]);

    await h.ownerQuery(victim.placement.database, `DROP TABLE "${victim.placement.schema}".notes`);
    const retry = await fleet.run();
    expect(retry.ok).toBe(true);
    expect(retry.targets.filter((t) => t.outcome === 'applied').map((t) => t.tenant)).toEqual([victim.slug]);
    expect(retry.summary.total.current).toBe(retry.targets.length - 1);
  });

  it('applies each migration exactly once per target when two runners start at once', async () => {
    await migrateAll();
    // The pause keeps each target's transaction open long enough for the two runs to meet there.
    dir.add(
      'slow_index',
      'SELECT pg_sleep(0.05);--> statement-breakpoint\nCREATE INDEX "employees_fleet_race_idx" ON "employees" ("tenant_id", "email");',
    );
    const [a, b] = await Promise.all([fleet.run({ concurrency: 2 }), fleet.run({ concurrency: 3 })]);
    expect(a.ok && b.ok).toBe(true);
    for (const t of a.targets) {
      const other = b.targets.find((x) => x.key === t.key);
      expect(other, t.key).toBeDefined();
      expect([...t.applied, ...other!.applied].filter((m) => m === 'slow_index')).toHaveLength(1);
    }
    for (const place of places()) {
      const rows = await h.ownerQuery(
        place.database,
        "SELECT count(*)::int AS n FROM switchyard_meta.migrations WHERE target_schema = $1 AND migration = 'slow_index'",
        [place.schema],
      );
      expect(rows).toEqual([{ n: 1 }]);
    }
  });

  it('refuses drift and out-of-order migrations, naming the file, and changes nothing', async () => {
    await migrateAll();
    const applied = dir.add('drift_subject', 'ALTER TABLE "employees" ADD COLUMN "drift_subject" text;');
    await migrateAll();
    const restore = dir.edit('drift_subject', 'ALTER TABLE "employees" ADD COLUMN "drift_subject" varchar(80);');
    const drift = await fleet.run().finally(restore);
    expect(drift.ok).toBe(false);
    for (const t of drift.targets) {
      expect(t).toMatchObject({ outcome: 'failed', errorCode: 'MIGRATION_DRIFT' });
      expect(t.error).toContain('drift_subject.sql');
    }

    // Placed before a migration every target has applied already.
    dir.add(
      'late',
      'CREATE TABLE "late" ("tenant_id" uuid NOT NULL, "id" uuid NOT NULL, PRIMARY KEY ("tenant_id", "id"));',
      applied - 0.5,
    );
    const late = await fleet.run().finally(() => dir.remove('late'));
    expect(late.targets.every((t) => t.errorCode === 'MIGRATION_OUT_OF_ORDER' && t.error?.includes('late.sql'))).toBe(
      true,
    );
    for (const place of places()) {
      const rows = await h.ownerQuery(place.database, 'SELECT to_regclass($1) AS t', [`"${place.schema}".late`]);
      expect(rows).toEqual([{ t: null }]);
    }
  });

  it('dry-run lists targets × pending migrations and touches nothing', async () => {
    await migrateAll();
    dir.add('mood_note', 'ALTER TABLE "wellness_entries" ADD COLUMN "mood_note" text;');
    try {
      const ledgerRows = () =>
        h.ownerQuery(h.config.names.controlDatabase, 'SELECT count(*)::int AS n FROM migration_ledger');
      const ledgerBefore = await ledgerRows();
      const plan = await fleet.run({ dryRun: true });
      expect(plan.dryRun).toBe(true);
      expect(Object.values(outcomes(plan)).every((o) => o === 'planned')).toBe(true);
      expect(plan.targets.every((t) => t.pending.join() === 'mood_note')).toBe(true);
      expect(await ledgerRows()).toEqual(ledgerBefore);
      for (const place of places()) expect(await hasColumn(place, 'wellness_entries', 'mood_note')).toBe(false);

      const filtered = await fleet.run({ dryRun: true, tiers: ['database'] });
      expect(new Set(filtered.targets.map((t) => t.kind))).toEqual(new Set(['template', 'database']));
      const oneTenant = await fleet.run({ dryRun: true, tenants: [tenantOf('schema').slug] });
      expect(oneTenant.targets.map((t) => t.tenant)).toEqual([tenantOf('schema').slug]);
    } finally {
      dir.remove('mood_note'); // never applied: the fleet is left as the test found it
    }
  });

  it('stops after a failing canary wave and skips the rest', async () => {
    await migrateAll();
    dir.add('canary_note', 'ALTER TABLE "wellness_entries" ADD COLUMN "canary_note" text;');
    const canaryVictim = tenantOf('database');
    await h.ownerQuery(canaryVictim.placement.database, 'ALTER TABLE wellness_entries ADD COLUMN canary_note int');
    const report = await fleet.run({ canary: 10, tiers: ['database'] });
    expect(report.stoppedByCanary).toBe(true);
    const run = await fleet.run({
      canary: 1,
      tenants: [canaryVictim.slug, ...tenants.filter((t) => t.tier === 'schema').map((t) => t.slug)],
    });
    expect(run.stoppedByCanary).toBe(true);
    expect(run.targets[0]).toMatchObject({ tenant: canaryVictim.slug, outcome: 'failed' });
    expect(run.targets.slice(1).every((t) => t.outcome === 'skipped')).toBe(true);
    await h.ownerQuery(canaryVictim.placement.database, 'ALTER TABLE wellness_entries DROP COLUMN canary_note');
    expect((await fleet.run()).ok).toBe(true);
  });
});

describe('switchyard migrate (CLI)', () => {
  let h: Harness;
  let dir: MigrationsDir;
  let env: NodeJS.ProcessEnv;
  const cli = (args: string[]) => runCli(args, env);

  beforeAll(async () => {
    dir = new MigrationsDir();
    h = await startHarness({ MIGRATIONS_DIR: dir.path });
    for (let i = 0; i < 6; i++) await h.createTenant(`cli-fleet-${i}`, i % 3 === 0 ? 'database' : 'schema');
    env = cliEnv(h.config, { MIGRATIONS_DIR: dir.path });
  });
  afterAll(async () => {
    await h?.close();
    dir?.dispose();
  });

  /** Targets whose control-plane ledger records `migration` as applied (written after the target's own commit). */
  const appliedTargets = async (migration: string) =>
    singleRow(
      await h.ownerQuery<{ n: number }>(
        h.config.names.controlDatabase,
        "SELECT count(*)::int AS n FROM migration_ledger WHERE migration = $1 AND status = 'applied'",
        [migration],
      ),
      'count',
    ).n;
  /** Client backends in the middle of a statement or a transaction in any of `databases`. */
  const busyBackends = async (databases: string[]) =>
    singleRow(
      await h.ownerQuery<{ n: number }>(
        'postgres',
        `SELECT count(*)::int AS n FROM pg_stat_activity
         WHERE datname = ANY($1) AND backend_type = 'client backend' AND state <> 'idle' AND pid <> pg_backend_pid()`,
        [databases],
      ),
      'count',
    ).n;

  it('migrates with --json, exits 0 when everything is current and 1 when a target failed', async () => {
    dir.add('cli_col', 'ALTER TABLE "employees" ADD COLUMN "cli_col" text;');
    const ok = await cli(['migrate', '--json']);
    expect(ok.code).toBe(0);
    const report = JSON.parse(ok.stdout) as FleetReport;
    expect(report).toMatchObject({ ok: true, latest: 'cli_col' });
    // The CLI brings the installation (shared, template) up to date before the fleet run proper.
    expect(report.summary.schema.applied + report.summary.database.applied).toBe(6);
    expect(report.summary.total.failed).toBe(0);

    const status = await cli(['migrate', 'status', '--json']);
    expect(JSON.parse(status.stdout).summary.total).toMatchObject({
      current: report.targets.length,
      behind: 0,
      failed: 0,
    });

    dir.add('cli_fail', 'CREATE TABLE "cli_fail" ("x" int);--> statement-breakpoint\nSELECT 1/0;');
    try {
      const failing = await cli(['migrate']);
      expect(failing.code).toBe(1);
      expect(failing.stdout).toMatch(/failed:/);
      expect(failing.stdout).toContain('division by zero');
      const human = await cli(['migrate', 'status']);
      expect(human.stdout).toMatch(/not current:/);
    } finally {
      dir.remove('cli_fail');
    }
  });

  it('a runner killed mid-run leaves no target half-applied, and the next run completes', async () => {
    // Slow enough per target (one at a time) that the run can be killed with targets still to do.
    dir.add('slow_marker', 'SELECT pg_sleep(0.3);--> statement-breakpoint\nCREATE TABLE "slow_marker" ("x" int);');
    const { child, done: exited } = spawnCli(['migrate', '--concurrency', '1'], env);
    // Killed (as a crash would) once one target has committed it: with one at a time, the next is under way.
    await waitFor(
      () => appliedTargets('slow_marker'),
      (n) => n > 0,
      { what: 'a first target to apply slow_marker', timeout: 30_000 },
    );
    child.kill('SIGKILL');
    expect((await exited).killed).toBe(true);
    const report = await h.controlPlane.get(FleetMigrationService).run({ dryRun: true });
    // The killed runner's backend finds its client gone when its statement ends, and rolls back.
    const databases = [...new Set(report.targets.map((t) => t.database))];
    await waitFor(
      () => busyBackends(databases),
      (n) => n === 0,
      { what: "the killed runner's backend to roll back", timeout: 10_000 },
    );
    let done = 0;
    for (const t of report.targets) {
      const marker = await h.ownerQuery<{ t: string | null }>(t.database, 'SELECT to_regclass($1) AS t', [
        `"${t.schema}".slow_marker`,
      ]);
      const recorded = await h.ownerQuery<{ n: number }>(
        t.database,
        "SELECT count(*)::int AS n FROM switchyard_meta.migrations WHERE target_schema = $1 AND migration = 'slow_marker'",
        [t.schema],
      );
      // Both or neither: the DDL and its ledger row commit together.
      const applied = singleRow(recorded, 'count').n === 1;
      expect(singleRow(marker, 'to_regclass row').t !== null, t.key).toBe(applied);
      if (applied) done++;
    }
    expect(done).toBeGreaterThan(0);
    expect(done).toBeLessThan(report.targets.length);
    const finish = await cli(['migrate', '--json']);
    expect(finish.code).toBe(0);
    expect(JSON.parse(finish.stdout).ok).toBe(true);
  });
});
