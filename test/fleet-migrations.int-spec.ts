import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LedgerRepository, TenantsRepository, type TenantRecord, type Tier } from '@switchyard/control-plane';
import { FleetMigrationService, MigrationStatusService, type FleetReport } from '@switchyard/migrations';
import { cliEnv, runCli } from './support/cli';
import { startHarness, type Harness } from './support/harness';
import { MigrationsDir } from './support/migrations-dir';

describe('fleet migrations', () => {
  let h: Harness;
  let dir: MigrationsDir;
  let fleet: FleetMigrationService;
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

  it('brings shared, template, every schema and every database to the latest version; the ledger and status agree', async () => {
    dir.add('0002_employee_title', 'ALTER TABLE "employees" ADD COLUMN "title" text;');
    const report = await fleet.run();
    expect(report.ok).toBe(true);
    expect(report.latest).toBe('0002_employee_title');
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
      expect((await ledger.entriesFor(t.key)).find((e) => e.migration === '0002_employee_title')).toMatchObject({
        status: 'applied',
      });
    }
    const placement = await h.controlPlane.get(TenantsRepository).findById(tenants[1].id);
    expect(placement?.schemaVersion).toBe('0002_employee_title');

    // A tenant provisioned now starts at the latest version in every tier.
    for (const tier of ['schema', 'database'] as Tier[]) {
      const fresh = await h.createTenant(`fleet-fresh-${tier}`, tier);
      expect(fresh.schemaVersion).toBe('0002_employee_title');
      expect(
        await hasColumn({ database: fresh.placement.database, schema: fresh.placement.schema }, 'employees', 'title'),
      ).toBe(true);
      tenants.push(fresh);
    }
  });

  it('reports a target that fails, migrates the others, and finishes only that one on a re-run', async () => {
    const victim = tenants.find((t) => t.tier === 'schema')!;
    await h.ownerQuery(victim.placement.database, `CREATE TABLE "${victim.placement.schema}".notes (obstacle text)`);
    dir.add(
      '0003_notes',
      'CREATE TABLE "notes" ("tenant_id" uuid NOT NULL, "id" uuid NOT NULL, PRIMARY KEY ("tenant_id", "id"));',
    );
    const report = await fleet.run();
    expect(report.ok).toBe(false);
    const failed = report.targets.filter((t) => t.outcome === 'failed');
    expect(failed.map((t) => t.tenant)).toEqual([victim.slug]);
    expect(failed[0].error).toMatch(/0003_notes.*already exists/);
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
    dir.add(
      '0004_slow_index',
      'SELECT pg_sleep(0.05);--> statement-breakpoint\nCREATE INDEX "employees_title_idx" ON "employees" ("tenant_id", "title");',
    );
    const [a, b] = await Promise.all([fleet.run({ concurrency: 2 }), fleet.run({ concurrency: 3 })]);
    expect(a.ok && b.ok).toBe(true);
    for (const t of a.targets) {
      const other = b.targets.find((x) => x.key === t.key)!;
      expect([...t.applied, ...other.applied].filter((m) => m === '0004_slow_index')).toHaveLength(1);
    }
    for (const place of places()) {
      const rows = await h.ownerQuery(
        place.database,
        "SELECT count(*)::int AS n FROM switchyard_meta.migrations WHERE target_schema = $1 AND migration = '0004_slow_index'",
        [place.schema],
      );
      expect(rows[0].n).toBe(1);
    }
  });

  it('refuses drift and out-of-order migrations, naming the file, and changes nothing', async () => {
    const restore = dir.edit('0002_employee_title', 'ALTER TABLE "employees" ADD COLUMN "title" varchar(80);');
    const drift = await fleet.run();
    restore();
    expect(drift.ok).toBe(false);
    for (const t of drift.targets) {
      expect(t).toMatchObject({ outcome: 'failed', errorCode: 'MIGRATION_DRIFT' });
      expect(t.error).toContain('0002_employee_title.sql');
    }

    dir.add(
      '0001b_late',
      'CREATE TABLE "late" ("tenant_id" uuid NOT NULL, "id" uuid NOT NULL, PRIMARY KEY ("tenant_id", "id"));',
      1.5,
    );
    const late = await fleet.run();
    dir.remove('0001b_late');
    expect(
      late.targets.every((t) => t.errorCode === 'MIGRATION_OUT_OF_ORDER' && t.error?.includes('0001b_late.sql')),
    ).toBe(true);
    for (const place of places()) {
      const rows = await h.ownerQuery(place.database, 'SELECT to_regclass($1) AS t', [`"${place.schema}".late`]);
      expect(rows[0].t).toBeNull();
    }
  });

  it('dry-run lists targets × pending migrations and touches nothing', async () => {
    dir.add('0005_mood_note', 'ALTER TABLE "wellness_entries" ADD COLUMN "mood_note" text;');
    const ledgerBefore = await h.ownerQuery(
      h.config.names.controlDatabase,
      'SELECT count(*)::int AS n FROM migration_ledger',
    );
    const plan = await fleet.run({ dryRun: true });
    expect(plan.dryRun).toBe(true);
    expect(Object.values(outcomes(plan)).every((o) => o === 'planned')).toBe(true);
    expect(plan.targets.every((t) => t.pending.join() === '0005_mood_note')).toBe(true);
    const ledgerAfter = await h.ownerQuery(
      h.config.names.controlDatabase,
      'SELECT count(*)::int AS n FROM migration_ledger',
    );
    expect(ledgerAfter[0].n).toBe(ledgerBefore[0].n);
    for (const place of places()) expect(await hasColumn(place, 'wellness_entries', 'mood_note')).toBe(false);

    const filtered = await fleet.run({ dryRun: true, tiers: ['database'] });
    expect(new Set(filtered.targets.map((t) => t.kind))).toEqual(new Set(['template', 'database']));
    const oneTenant = await fleet.run({ dryRun: true, tenants: [tenants[1].slug] });
    expect(oneTenant.targets.map((t) => t.tenant)).toEqual([tenants[1].slug]);
  });

  it('stops after a failing canary wave and skips the rest', async () => {
    const canaryVictim = tenants.find((t) => t.tier === 'database')!;
    await h.ownerQuery(canaryVictim.placement.database, 'ALTER TABLE wellness_entries ADD COLUMN mood_note int');
    const report = await fleet.run({ canary: 10, tiers: ['database'] });
    expect(report.stoppedByCanary).toBe(true);
    const run = await fleet.run({
      canary: 1,
      tenants: [canaryVictim.slug, ...tenants.filter((t) => t.tier === 'schema').map((t) => t.slug)],
    });
    expect(run.stoppedByCanary).toBe(true);
    expect(run.targets[0]).toMatchObject({ tenant: canaryVictim.slug, outcome: 'failed' });
    expect(run.targets.slice(1).every((t) => t.outcome === 'skipped')).toBe(true);
    await h.ownerQuery(canaryVictim.placement.database, 'ALTER TABLE wellness_entries DROP COLUMN mood_note');
    expect((await fleet.run()).ok).toBe(true);
  });
});

describe('switchyard migrate (CLI)', () => {
  let h: Harness;
  let dir: MigrationsDir;
  let env: NodeJS.ProcessEnv;
  const cli = (args: string[], timeoutMs = 60_000) => runCli(args, env, timeoutMs);

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

  it('migrates with --json, exits 0 when everything is current and 1 when a target failed', async () => {
    dir.add('0002_cli_col', 'ALTER TABLE "employees" ADD COLUMN "cli_col" text;');
    const ok = await cli(['migrate', '--json']);
    expect(ok.code).toBe(0);
    const report = JSON.parse(ok.stdout) as FleetReport;
    expect(report).toMatchObject({ ok: true, latest: '0002_cli_col' });
    // The CLI brings the installation (shared, template) up to date before the fleet run proper.
    expect(report.summary.schema.applied + report.summary.database.applied).toBe(6);
    expect(report.summary.total.failed).toBe(0);

    const status = await cli(['migrate', 'status', '--json']);
    expect(JSON.parse(status.stdout).summary.total).toMatchObject({
      current: report.targets.length,
      behind: 0,
      failed: 0,
    });

    dir.add('0003_cli_fail', 'CREATE TABLE "cli_fail" ("x" int);--> statement-breakpoint\nSELECT 1/0;');
    const failing = await cli(['migrate']);
    expect(failing.code).toBe(1);
    expect(failing.stdout).toMatch(/failed:/);
    expect(failing.stdout).toContain('division by zero');
    const human = await cli(['migrate', 'status']);
    expect(human.stdout).toMatch(/not current:/);
    dir.remove('0003_cli_fail');
  });

  it('a runner killed mid-run leaves no target half-applied, and the next run completes', async () => {
    dir.add('0004_slow', 'SELECT pg_sleep(0.3);--> statement-breakpoint\nCREATE TABLE "slow_marker" ("x" int);');
    const killed = cli(['migrate', '--concurrency', '1'], 1_400);
    const result = await killed;
    expect(result.killed).toBe(true);
    await new Promise((resolve) => setTimeout(resolve, 700)); // let the orphaned backend finish its sleep and roll back
    const report = await h.controlPlane.get(FleetMigrationService).run({ dryRun: true });
    let done = 0;
    for (const t of report.targets) {
      const marker = await h.ownerQuery(t.database, 'SELECT to_regclass($1) AS t', [`"${t.schema}".slow_marker`]);
      const recorded = await h.ownerQuery(
        t.database,
        "SELECT count(*)::int AS n FROM switchyard_meta.migrations WHERE target_schema = $1 AND migration = '0004_slow'",
        [t.schema],
      );
      // Both or neither: the DDL and its ledger row commit together.
      expect(marker[0].t !== null).toBe(recorded[0].n === 1);
      if (recorded[0].n === 1) done++;
    }
    expect(done).toBeLessThan(report.targets.length);
    const finish = await cli(['migrate', '--json']);
    expect(finish.code).toBe(0);
    expect(JSON.parse(finish.stdout).ok).toBe(true);
  });
});
