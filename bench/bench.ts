import 'reflect-metadata';
import { join } from 'node:path';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { createApiApp } from '@apps/api';
import { createControlPlaneApp } from '@apps/control-plane';
import { TokenIssuer } from '@switchyard/auth';
import { buildConfig, parseEnvironment, readEnvironment, type SwitchyardConfig } from '@switchyard/config';
import { ServerDirectory, type Tier } from '@switchyard/control-plane';
import { startEmbeddedPostgres } from '@switchyard/embedded';
import { singleRow, withDatabase, withOwnerClient } from '@switchyard/postgres';
import { ConnectionResolver, PlacementCache, TenantDb } from '@switchyard/tenancy';
import { EmployeesRepository } from '@switchyard/tenant-data';
import { dropTestInstallation, freePort } from '@switchyard/testing';
import { Pool } from 'pg';
import { buildFixture, FULL_SIZE, QUICK_SIZE, tenantsOf, type BenchTenant } from './fixture';
import { compare, type MeasureOptions } from './measure';
import { machine, renderTable, writeReport, type BenchEntry, type BenchReport } from './report';
import { DATABASE_SCENARIOS, databaseVariants, type TierSetup } from './scenarios/database-scenarios';
import { measurePlacement } from './scenarios/placement-scenario';
import { bareRequests, comparePaired, routedRequests, startBareApp, warmUp } from './scenarios/http-scenario';
import { captureSql } from './sql-capture';
import { fleetBench, type FleetBenchResult } from './scenarios/fleet-scenario';
import { moveBench, type MoveBenchResult, type MoveLeg } from './scenarios/move-scenario';
import { measureFenceCost, type FenceCost } from './scenarios/fence-scenario';
import { measureInvalidation } from './scenarios/invalidation-scenario';
import { budgetBench, noisyNeighbourBench, schemaFleetBench } from './scenarios/capacity-scenario';
import { consoleBench } from './scenarios/console-scenario';
import { archiveBench, type ArchiveBenchResult } from './scenarios/archive-scenario';

const TIERS: Tier[] = ['shared', 'schema', 'database'];
const BUDGETS: Record<Tier, number> = { shared: 0.8, schema: 0.8, database: 0.9 };
/** GET /v1/employees/{id} against a bare endpoint on the same framework running the same query. */
const HTTP_BUDGET = 0.85;
const log = (line: string) => process.stdout.write(`${line}\n`);

async function main(): Promise<void> {
  const quick = process.argv.includes('--quick');
  const only = process.argv
    .find((a) => a.startsWith('--only='))
    ?.slice('--only='.length)
    .split(',');
  const wanted = (name: string) => !only || only.includes(name);
  const env = readEnvironment();
  const size = quick ? QUICK_SIZE : FULL_SIZE;
  const measurement: MeasureOptions = quick
    ? { concurrency: 1, warmupMs: 300, roundMs: 700, rounds: 3 }
    : { concurrency: 1, warmupMs: 1_000, roundMs: 1_500, rounds: 5 };

  let databaseUrl = env.BENCH_DATABASE_URL;
  let stopEmbedded = async () => undefined as unknown;
  if (!databaseUrl) {
    const embedded = await startEmbeddedPostgres({
      dataDir: join(process.cwd(), '.switchyard', 'bench'),
      port: await freePort(),
      // Sized like a server for thousands of tenants: the default 128 MB of shared buffers holds barely
      // the index and heap pages that reads over 5,000 schema tenants touch.
      settings: { shared_buffers: '1GB' },
    });
    databaseUrl = embedded.url;
    stopEmbedded = embedded.stop;
  }
  const config = buildConfig(
    parseEnvironment({
      DATABASE_URL: databaseUrl,
      JWT_SECRET: 'switchyard-bench-secret-0123456789abcdef',
      SWITCHYARD_DB_PREFIX: 'bench',
      APP_DB_USER: 'bench_app',
      APP_DB_PASSWORD: 'bench-app-password',
      LOG_LEVEL: 'error',
    }),
  );
  await dropTestInstallation(config);
  const postgres = await withOwnerClient(
    databaseUrl,
    async (c) =>
      singleRow((await c.query<{ v: string }>("SELECT current_setting('server_version') AS v")).rows, 'row').v,
  );
  log(`Switchyard benchmark (${quick ? 'quick' : 'full'}) on PostgreSQL ${postgres}`);

  const controlPlane = await createControlPlaneApp(config);
  await controlPlane.init();
  const api = await createApiApp(config);
  await api.init();
  const pools: Pool[] = [];
  try {
    log('preparing data');
    const fixture = await buildFixture(config, controlPlane, size, log);
    const entries: BenchEntry[] = [];
    const bare = poolFactory(config, 'owner', pools);
    const naive = poolFactory(config, 'app', pools);

    for (const scenario of DATABASE_SCENARIOS.filter(wanted)) {
      for (const tier of TIERS) {
        const setup: TierSetup = {
          tier,
          tenants: tenantsOf(fixture, tier),
          tenantDb: api.get(TenantDb),
          employees: api.get(EmployeesRepository),
          barePool: (database) => bare(database, tier),
          naivePool: (database) => naive(database, tier),
        };
        const variants = await databaseVariants(setup, scenario);
        for (const concurrency of [1, 32]) {
          const r = await compare(variants, { ...measurement, concurrency });
          const entry: BenchEntry = {
            scenario,
            tier,
            concurrency,
            opsPerSec: r.get('routed')!,
            baselineOpsPerSec: r.get('bare')!,
            ratio: r.get('routed')! / r.get('bare')!,
            naiveOpsPerSec: r.get('naive')!,
            naiveRatio: r.get('naive')! / r.get('bare')!,
            preparedBaselineOpsPerSec: r.get('bare-prepared')!,
            preparedRatio: r.get('routed')! / r.get('bare-prepared')!,
            budget: scenario === 'point-read' ? BUDGETS[tier] : undefined,
          };
          entries.push(entry);
          log(
            `  ${scenario.padEnd(10)} ${tier.padEnd(8)} c=${String(concurrency).padEnd(2)} routed ${entry.opsPerSec.toFixed(0).padStart(6)}  bare ${entry.baselineOpsPerSec.toFixed(0).padStart(6)}  ratio ${entry.ratio.toFixed(2)}  to prepared ${entry.preparedRatio!.toFixed(2)}  naive ${entry.naiveRatio!.toFixed(2)}`,
          );
        }
      }
    }

    log('placement resolution');
    const placement = await measurePlacement(
      api.get(ConnectionResolver),
      api.get(PlacementCache),
      tenantsOf(fixture, 'shared'),
    );
    log(
      `  warm ${placement.warmMedianUs.toFixed(2)} µs, cold ${placement.coldMedianUs.toFixed(0)} µs (p99 ${placement.coldP99Us.toFixed(0)} µs)`,
    );

    let fence: FenceCost | undefined;
    if (wanted('point-read')) {
      log('read fence: the context statement with and without its check');
      fence = await measureFenceCost(
        config,
        api.get(ServerDirectory),
        tenantsOf(fixture, 'shared')[0].tenant.id,
        measurement,
      );
      log(
        `  with the fence ${fence.fencedUs.toFixed(1)} µs, without ${fence.plainUs.toFixed(1)} µs: ${fence.costUs.toFixed(1)} µs per checkout`,
      );
    }

    log('placement invalidation: from a commit on the control plane to another process');
    const invalidation = await measureInvalidation(
      config,
      api.get(ServerDirectory),
      tenantsOf(fixture, 'shared')[0].tenant.id,
    );
    log(`  median ${invalidation.medianMs.toFixed(2)} ms, p99 ${invalidation.p99Ms.toFixed(2)} ms`);

    if (wanted('http')) {
      log('HTTP: GET /v1/employees/{id}');
      entries.push(...(await httpEntries(config, api, fixture, bare, quick)));
    }

    let fleet: FleetBenchResult[] = [];
    if (wanted('fleet')) {
      log('fleet: provisioning and migrations');
      fleet = await fleetBench(
        databaseUrl,
        quick ? { schema: 200, database: 10 } : { schema: 1_000, database: 50 },
        log,
      );
    }

    let moves: MoveBenchResult[] = [];
    if (wanted('move')) {
      log('moves: a large tenant in each direction, with a concurrent writer');
      const cycle: MoveLeg[] = [
        { from: 'shared', to: 'schema' },
        { from: 'schema', to: 'database' },
        { from: 'database', to: 'shared' },
        { from: 'shared', to: 'database' },
        { from: 'database', to: 'schema' },
        { from: 'schema', to: 'shared' },
      ];
      const rows = quick ? 100_000 : 1_000_000;
      moves = await moveBench(databaseUrl, rows, quick ? cycle.slice(0, 3) : cycle, log);
      log('moves between cells and servers: a second server');
      const east = await startEmbeddedPostgres({
        dataDir: join(process.cwd(), '.switchyard', 'bench-east'),
        port: await freePort(),
      });
      try {
        const legs: MoveLeg[] = [
          { from: 'shared', to: 'shared', cell: 'east-1' },
          { from: 'shared', to: 'schema' },
          { from: 'schema', to: 'schema', server: 'primary' },
        ];
        moves.push(...(await moveBench(databaseUrl, rows, legs, log, east.url)));
      } finally {
        await east.stop();
      }
    }

    let capacity: BenchReport['capacity'];
    if (wanted('capacity')) {
      log('capacity: many tenant databases on one budget, and a noisy neighbour');
      const rounds = { roundMs: quick ? 1_500 : 3_000, rounds: quick ? 1 : 3 };
      const budget = await budgetBench(databaseUrl, { tenants: quick ? 50 : 200, ...rounds }, log);
      log(
        `  ${budget.tenants} databases, budget ${budget.budget}: p99 ${budget.roundRobinP99Ms.toFixed(1)} ms against warm ${budget.warmP99Ms.toFixed(1)} ms (${budget.ratio.toFixed(2)}×), peak ${budget.peakConnections} connections, ${budget.failures} failures`,
      );
      const noisy = await noisyNeighbourBench(databaseUrl, { heavyRows: quick ? 200_000 : 1_000_000, ...rounds }, log);
      log(
        `  noisy neighbour: neighbour p99 ${noisy.floodP99Ms.toFixed(1)} ms under the flood against ${noisy.quietP99Ms.toFixed(1)} ms (${noisy.ratio.toFixed(2)}×); heavy served ${noisy.heavyServed}, refused ${noisy.heavyRefused}`,
      );
      const schemas = await schemaFleetBench(databaseUrl, { schemas: quick ? 1_000 : 5_000, ...rounds }, log);
      log(
        `  ${schemas.schemas} schema tenants: ${schemas.manyOpsPerSec.toFixed(0)} reads/s against ${schemas.fewOpsPerSec.toFixed(0)} over 10 (${schemas.ratio.toFixed(2)}×); backends ${schemas.manyBackendMiB.toFixed(0)} MiB against ${schemas.fewBackendMiB.toFixed(0)} MiB`,
      );
      capacity = { budget, noisy, schemas };
    }

    let consoleScale: BenchReport['console'];
    if (wanted('console')) {
      log('console: what its pages ask, over 10,000 tenants');
      consoleScale = await consoleBench(config, controlPlane, { tenants: 10_000, requests: quick ? 20 : 50 }, log);
    }

    let archive: ArchiveBenchResult[] = [];
    if (wanted('archive')) {
      log('archive: a large tenant exported and imported, against a bare COPY of the same rows');
      archive = await archiveBench(databaseUrl, quick ? 100_000 : 1_000_000, log);
    }

    const command = [
      'npm run bench',
      ...(quick || only ? ['--'] : []),
      ...(quick ? ['--quick'] : []),
      ...(only ? [`--only=${only.join(',')}`] : []),
    ].join(' ');
    writeReport(
      {
        date: new Date().toISOString(),
        command,
        machine: machine(`PostgreSQL ${postgres}`),
        fixture: {
          sharedTenants: size.shared,
          schemaTenants: size.schema,
          databaseTenants: size.database,
          employeesPerTenant: size.employeesPerTenant,
        },
        measurement: { warmupMs: measurement.warmupMs, roundMs: measurement.roundMs, rounds: measurement.rounds },
        entries,
        placement: { ...placement, budgetWarmUs: 5 },
        fence,
        invalidation,
        fleet,
        moves,
        capacity,
        console: consoleScale,
        archive,
        notes: [
          'Budgets apply to the routed point read: shared ≥ 0.80×, schema ≥ 0.80×, database ≥ 0.90× of bare.',
          'Routed = the real repository (drizzle builds the SQL) through TenantDb; bare and naive run the identical SQL text, captured from that repository.',
          'Pools: routed and naive use the application role, bare the owner; sizes are equal per database (SHARED_POOL_MAX, DATABASE_POOL_MAX defaults).',
        ],
      },
      'BENCHMARKS.md',
      'BENCHMARKS.json',
    );
    log('');
    log(renderTable(entries));
    log('\nwrote BENCHMARKS.md and BENCHMARKS.json');
  } finally {
    await Promise.all(pools.map((p) => p.end()));
    await api.close();
    await controlPlane.close();
    await dropTestInstallation(config);
    await stopEmbedded();
  }
}

/** One pool per database and role, sized like the router's pool for that tier. */
function poolFactory(config: SwitchyardConfig, role: 'owner' | 'app', pools: Pool[]) {
  const byDatabase = new Map<string, Pool>();
  return (database: string, tier: Tier): Pool => {
    let pool = byDatabase.get(database);
    if (!pool) {
      const owner = withDatabase(config.databaseUrl, database);
      const url =
        role === 'owner'
          ? owner
          : Object.assign(new URL(owner), {
              username: config.names.appRole,
              password: config.appRolePassword ?? '',
            }).toString();
      pool = new Pool({
        connectionString: url,
        max: tier === 'database' ? config.pools.databaseMax : config.pools.sharedMax,
      });
      byDatabase.set(database, pool);
      pools.push(pool);
    }
    return pool;
  };
}

async function httpEntries(
  config: SwitchyardConfig,
  api: NestExpressApplication,
  fixture: Map<Tier, BenchTenant[]>,
  bare: (database: string, tier: Tier) => Pool,
  quick: boolean,
): Promise<BenchEntry[]> {
  await api.listen(0, '127.0.0.1');
  const apiUrl = await api.getUrl();
  const issuer = api.get(TokenIssuer);
  const entries: BenchEntry[] = [];
  const seconds = quick ? 2 : 3;
  const statement = singleRow(
    await captureSql('00000000-0000-4000-8000-000000000001', (tx) =>
      api.get(EmployeesRepository).findById(tx, '00000000-0000-4000-8000-000000000002'),
    ),
    'statement of findById',
  );
  for (const tier of TIERS) {
    const tenants = tenantsOf(fixture, tier);
    const tokens = new Map(
      tenants.map((t) => [t.tenant.id, issuer.issue({ sub: 'bench', tid: t.tenant.id, expiresInSeconds: 3600 })]),
    );
    // The bare app serves one database; for the database tier, give it that tier's first tenant only.
    const scope = tier === 'database' ? [tenants[0]] : tenants;
    const bareApp = await startBareApp(bare(tenants[0].tenant.placement.database, tier), statement.text, scope);
    try {
      const routed = { url: apiUrl.replace('[::1]', '127.0.0.1'), requests: routedRequests(scope, tokens) };
      const baseline = { url: (await bareApp.getUrl()).replace('[::1]', '127.0.0.1'), requests: bareRequests(scope) };
      const warmUps = [await warmUp(routed, 32), await warmUp(baseline, 32)];
      const result = await comparePaired(routed, baseline, { pairs: quick ? 2 : 8, seconds, connections: 32 });
      const entry: BenchEntry = {
        scenario: 'http-get-employee',
        tier,
        concurrency: 32,
        opsPerSec: result.routedRps,
        baselineOpsPerSec: result.bareRps,
        ratio: result.ratio,
        budget: HTTP_BUDGET,
      };
      entries.push(entry);
      log(
        `  ${tier.padEnd(8)} routed ${entry.opsPerSec.toFixed(0)} req/s  bare ${entry.baselineOpsPerSec.toFixed(0)} req/s  ratio ${entry.ratio.toFixed(2)} (warm-up runs ${warmUps.join('/')}; pairs ${result.pairRatios.map((r) => r.toFixed(2)).join(' ')})`,
      );
    } finally {
      await bareApp.close();
    }
  }
  return entries;
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
