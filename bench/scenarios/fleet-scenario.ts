import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createControlPlaneApp } from '@apps/control-plane';
import { buildConfig, parseEnvironment } from '@switchyard/config';
import type { Tier } from '@switchyard/control-plane';
import { FleetMigrationService, findMigrationsRoot } from '@switchyard/migrations';
import { TenantLifecycleService } from '@switchyard/provisioning';
import { dropTestInstallation } from '@switchyard/testing';
import { quantile } from '../measure';

export interface FleetBenchResult {
  name: string;
  targets: number;
  seconds: number;
  perSecond: number;
  budgetSeconds?: number;
}

function addMigration(dir: string, tag: string, sql: string): void {
  const journalPath = join(dir, 'tenant', 'meta', '_journal.json');
  const journal = JSON.parse(readFileSync(journalPath, 'utf8')) as { entries: { idx: number }[] };
  journal.entries.push({
    idx: Math.max(...journal.entries.map((e) => e.idx)) + 1,
    version: '7',
    when: Date.now(),
    tag,
    breakpoints: true,
  } as never);
  writeFileSync(journalPath, JSON.stringify(journal, null, 2));
  writeFileSync(join(dir, 'tenant', `${tag}.sql`), sql);
}

async function bounded<T>(count: number, concurrency: number, work: (i: number) => Promise<T>): Promise<void> {
  let next = 0;
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < count) await work(next++);
    }),
  );
}

/**
 * The fleet rows of BENCHMARKS.md: provisioning N schema tenants (and M database tenants), then one
 * one-statement migration over all of them — on an installation of its own, with a private copy of
 * migrations/ to add the migration to.
 */
export async function fleetBench(
  databaseUrl: string,
  sizes: { schema: number; database: number },
  log: (line: string) => void,
): Promise<FleetBenchResult[]> {
  const dir = mkdtempSync(join(tmpdir(), 'switchyard-bench-migrations-'));
  cpSync(findMigrationsRoot(), dir, { recursive: true });
  const config = buildConfig(
    parseEnvironment({
      DATABASE_URL: databaseUrl,
      JWT_SECRET: 'switchyard-bench-secret-0123456789abcdef',
      SWITCHYARD_DB_PREFIX: 'benchfleet',
      APP_DB_USER: 'benchfleet_app',
      APP_DB_PASSWORD: 'bench-app-password',
      MIGRATIONS_DIR: dir,
      LOG_LEVEL: 'error',
    }),
  );
  await dropTestInstallation(config);
  const app = await createControlPlaneApp(config);
  const results: FleetBenchResult[] = [];
  const time = async (
    name: string,
    targets: number,
    budgetSeconds: number | undefined,
    work: () => Promise<unknown>,
  ) => {
    const started = performance.now();
    await work();
    const seconds = (performance.now() - started) / 1000;
    results.push({ name, targets, seconds, perSecond: targets / seconds, budgetSeconds });
    log(
      `  ${name}: ${targets} in ${seconds.toFixed(1)} s (${(targets / seconds).toFixed(0)}/s${budgetSeconds ? `, budget ≤ ${budgetSeconds} s` : ''})`,
    );
  };
  try {
    const lifecycle = app.get(TenantLifecycleService);
    // One tenant at a time, as sales ops onboard: median latency per tier (the provisioning budgets in BENCHMARKS.md).
    for (const [tier, budgetMs] of [
      ['shared', 50],
      ['schema', 300],
      ['database', 1_000],
    ] as const) {
      const samples: number[] = [];
      for (let i = 0; i < 15; i++) {
        const started = performance.now();
        await lifecycle.create({ slug: `single-${tier}-${i}`, name: `Single ${tier} ${i}`, tier });
        samples.push(performance.now() - started);
      }
      const medianMs = quantile(samples, 0.5);
      results.push({
        name: `provision one ${tier} tenant (median)`,
        targets: 1,
        seconds: medianMs / 1000,
        perSecond: 1000 / medianMs,
        budgetSeconds: budgetMs / 1000,
      });
      log(`  provision one ${tier} tenant: median ${medianMs.toFixed(0)} ms (budget ≤ ${budgetMs} ms)`);
    }
    const provision = (tier: Tier, count: number) =>
      bounded(count, 8, (i) => lifecycle.create({ slug: `fleet-${tier}-${i}`, name: `Fleet ${tier} ${i}`, tier }));
    await time('provision schema tenants', sizes.schema, 30 * (sizes.schema / 1000), () =>
      provision('schema', sizes.schema),
    );
    await time('provision database tenants', sizes.database, undefined, () => provision('database', sizes.database));
    addMigration(dir, '0100_bench_column', 'ALTER TABLE "employees" ADD COLUMN "bench_note" text;');
    const fleet = app.get(FleetMigrationService);
    await time('migrate schema tenants (one statement)', sizes.schema, 10 * (sizes.schema / 1000), async () => {
      const report = await fleet.run({ tiers: ['schema'] });
      if (!report.ok) throw new Error('fleet run failed');
    });
    await time('migrate database tenants (one statement)', sizes.database, undefined, async () => {
      const report = await fleet.run({ tiers: ['database'] });
      if (!report.ok) throw new Error('fleet run failed');
    });
    return results;
  } finally {
    await app.close();
    await dropTestInstallation(config);
    rmSync(dir, { recursive: true, force: true });
  }
}
