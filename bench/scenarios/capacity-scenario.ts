import type { INestApplication } from '@nestjs/common';
import type { SwitchyardConfig } from '@switchyard/config';
import { ServerDirectory, type TenantRecord, type Tier } from '@switchyard/control-plane';
import { quoteIdent, singleRow, withDatabase, withOwnerClient } from '@switchyard/postgres';
import { TenantLifecycleService } from '@switchyard/provisioning';
import { TenantDb } from '@switchyard/tenancy';
import { EmployeesRepository, WellnessEntriesRepository } from '@switchyard/tenant-data';
import { Client } from 'pg';
import { startBenchInstallation } from '../bench-installation';
import { median, quantile } from '../measure';

export interface BudgetBenchResult {
  tenants: number;
  budget: number;
  concurrency: number;
  warmP99Ms: number;
  roundRobinP99Ms: number;
  /** round-robin p99 ÷ warm single-tenant p99 (budget ≤ 3) */
  ratio: number;
  /** A bare pg client opening one connection per read over the same databases: the cost of a backend. */
  bareChurnP99Ms: number;
  peakConnections: number;
  failures: number;
}

export interface NoisyBenchResult {
  heavyRows: number;
  heavyConcurrency: number;
  neighbourConcurrency: number;
  quietP99Ms: number;
  floodP99Ms: number;
  /** neighbour p99 under the flood ÷ without it (budget ≤ 3) */
  ratio: number;
  heavyServed: number;
  heavyRefused: number;
  neighbourFailures: number;
  /** Connections one tenant may hold of the cell's pool (TENANT_POOL_SHARE × SHARED_POOL_MAX). */
  tenantConnections: number;
}

interface Target {
  tenantId: string;
  employeeId: string;
  /** The tenant's own database as the application role reaches it, and its schema there. */
  url?: string;
  schema?: string;
}

/** Latencies (ms) of `op` run by `concurrency` workers for `ms`, and how many calls failed. */
async function sample(op: (worker: number) => Promise<unknown>, concurrency: number, ms: number) {
  const deadline = performance.now() + ms;
  const latencies: number[] = [];
  let failures = 0;
  await Promise.all(
    Array.from({ length: concurrency }, async (_, worker) => {
      while (performance.now() < deadline) {
        const started = performance.now();
        try {
          await op(worker);
          latencies.push(performance.now() - started);
        } catch {
          failures++;
        }
      }
    }),
  );
  return { p99: latencies.length ? quantile(latencies, 0.99) : NaN, failures };
}

/** Alternating rounds of two ways, so drift hits both alike; the median round's p99 of each. */
async function sideBySide(
  a: (round: number) => Promise<{ p99: number; failures: number }>,
  b: (round: number) => Promise<{ p99: number; failures: number }>,
  rounds: number,
) {
  const [as, bs] = [[] as number[], [] as number[]];
  let failures = 0;
  for (let round = 0; round < rounds; round++) {
    const first = round % 2 === 0 ? a : b;
    const second = round % 2 === 0 ? b : a;
    const x = await first(round);
    const y = await second(round);
    (round % 2 === 0 ? as : bs).push(x.p99);
    (round % 2 === 0 ? bs : as).push(y.p99);
    failures += x.failures + y.failures;
  }
  return { a: median(as), b: median(bs), failures };
}

async function createWithEmployee(config: SwitchyardConfig, cp: INestApplication, slug: string, tier: Tier) {
  const { tenant } = await cp.get(TenantLifecycleService).create({ slug, name: slug, tier });
  const employeeId = await withOwnerClient(
    withDatabase(config.databaseUrl, tenant.placement.database),
    async (c) =>
      singleRow(
        (
          await c.query<{ id: string }>(
            `INSERT INTO ${quoteIdent(tenant.placement.schema)}.employees (tenant_id, email, full_name)
           VALUES ($1, $2, 'Bench') RETURNING id`,
            [tenant.id, `${slug}@bench.io`],
          )
        ).rows,
        'new employee',
      ).id,
  );
  return { tenant, employeeId };
}

/**
 * Many tenant databases on one connection budget: point reads round-robin over `tenants` tenant
 * databases through a process whose budget is 40 connections, against the same reads of one warm tenant
 * database, p99 side by side at concurrency 32.
 */
export async function budgetBench(
  databaseUrl: string,
  options: { tenants: number; roundMs: number; rounds: number },
  log: (line: string) => void,
): Promise<BudgetBenchResult> {
  const budget = 40;
  const concurrency = 32;
  const install = await startBenchInstallation(databaseUrl, 'benchbudget', { CONNECTION_BUDGET: String(budget) });
  try {
    const started = Date.now();
    const targets: Target[] = [];
    for (let i = 0; i < options.tenants; i++) {
      const { tenant, employeeId } = await createWithEmployee(
        install.config,
        install.controlPlane,
        `silo-${i}`,
        'database',
      );
      const url = install.api.get(ServerDirectory).appUrl(tenant.placement.server, tenant.placement.database);
      targets.push({ tenantId: tenant.id, employeeId, url, schema: tenant.placement.schema });
    }
    log(`  ${options.tenants} tenant databases in ${((Date.now() - started) / 1000).toFixed(1)} s`);
    const tenantDb = install.api.get(TenantDb);
    const employees = install.api.get(EmployeesRepository);
    const read = (t: Target) => tenantDb.statementFor(t.tenantId, (tx) => employees.findById(tx, t.employeeId));
    const [warm] = targets;
    if (!warm) throw new Error('budgetBench needs tenants');
    let next = 0;
    let peak = 0;
    let watching = true;
    const watcher = withOwnerClient(databaseUrl, async (c) => {
      const role = install.config.names.appRole;
      while (watching) {
        // Tenant-database connections only: the control-plane reader and listener come out of CONNECTION_RESERVE.
        const { rows } = await c.query<{ n: string }>(
          'SELECT count(*) AS n FROM pg_stat_activity WHERE usename = $1 AND datname <> $2',
          [role, install.config.names.controlDatabase],
        );
        peak = Math.max(peak, Number(singleRow(rows, 'connections').n));
      }
    });
    const r = await sideBySide(
      () => sample(() => read(warm), concurrency, options.roundMs),
      () => sample(() => read(targets[next++ % targets.length]!), concurrency, options.roundMs),
      options.rounds * 2,
    );
    watching = false;
    await watcher;
    // What no pool can avoid: with 40 connections for 200 databases read in turn, most reads need a
    // new backend. A bare client pays that on every read (no tenant context: RLS returns no row).
    next = 0;
    const bare = await sample(
      async () => {
        const t = targets[next++ % targets.length]!;
        const client = new Client({ connectionString: t.url });
        await client.connect();
        try {
          await client.query(`SELECT id FROM ${quoteIdent(t.schema!)}.employees WHERE id = $1`, [t.employeeId]);
        } finally {
          await client.end();
        }
      },
      concurrency,
      options.roundMs,
    );
    return {
      tenants: options.tenants,
      budget,
      concurrency,
      warmP99Ms: r.a,
      roundRobinP99Ms: r.b,
      ratio: r.b / r.a,
      bareChurnP99Ms: bare.p99,
      peakConnections: peak,
      failures: r.failures,
    };
  } finally {
    await install.close();
  }
}

/**
 * A noisy neighbour in a shared cell: one tenant floods expensive summaries over `heavyRows` wellness
 * entries; its neighbours' point reads (a shared and a schema tenant of the same cell), p99 with and
 * without the flood, side by side.
 */
export async function noisyNeighbourBench(
  databaseUrl: string,
  options: { heavyRows: number; roundMs: number; rounds: number },
  log: (line: string) => void,
): Promise<NoisyBenchResult> {
  const heavyConcurrency = 40;
  const neighbourConcurrency = 4;
  // One connection of the cell's 20 per tenant: a tenant's share sized to the server (this bench's has two
  // cores, and two busy backends would take both from every neighbour).
  const install = await startBenchInstallation(databaseUrl, 'benchnoisy', { TENANT_POOL_SHARE: '0.05' });
  try {
    const { config, controlPlane: cp } = install;
    const heavy = await createWithEmployee(config, cp, 'heavy', 'shared');
    const neighbours = [
      await createWithEmployee(config, cp, 'quiet-shared', 'shared'),
      await createWithEmployee(config, cp, 'quiet-schema', 'schema'),
    ].map(({ tenant, employeeId }) => ({ tenantId: tenant.id, employeeId }));
    const started = Date.now();
    await loadWellness(config, heavy.tenant, heavy.employeeId, options.heavyRows);
    log(`  heavy tenant: ${options.heavyRows} wellness entries in ${((Date.now() - started) / 1000).toFixed(1)} s`);

    const tenantDb = install.api.get(TenantDb);
    const employees = install.api.get(EmployeesRepository);
    const wellness = install.api.get(WellnessEntriesRepository);
    const neighbourReads = () =>
      sample(
        (worker) => {
          const t = neighbours[worker % neighbours.length]!;
          return tenantDb.statementFor(t.tenantId, (tx) => employees.findById(tx, t.employeeId));
        },
        neighbourConcurrency,
        options.roundMs,
      );
    let heavyServed = 0;
    let heavyRefused = 0;
    const flooded = async () => {
      let flooding = true;
      const flood = Promise.all(
        Array.from({ length: heavyConcurrency }, async () => {
          while (flooding) {
            try {
              await tenantDb.statementFor(heavy.tenant.id, (tx) => wellness.summary(tx, {}));
              heavyServed++;
            } catch {
              heavyRefused++;
            }
          }
        }),
      );
      const result = await neighbourReads();
      flooding = false;
      await flood;
      return result;
    };
    const r = await sideBySide(neighbourReads, flooded, options.rounds * 2);
    return {
      heavyRows: options.heavyRows,
      heavyConcurrency,
      neighbourConcurrency,
      quietP99Ms: r.a,
      floodP99Ms: r.b,
      ratio: r.b / r.a,
      heavyServed,
      heavyRefused,
      neighbourFailures: r.failures,
      tenantConnections: Math.max(1, Math.floor(config.pools.sharedMax * config.pools.tenantShare)),
    };
  } finally {
    await install.close();
  }
}

async function loadWellness(config: SwitchyardConfig, tenant: TenantRecord, employeeId: string, rows: number) {
  await withOwnerClient(withDatabase(config.databaseUrl, tenant.placement.database), async (c) => {
    await c.query(
      `INSERT INTO ${quoteIdent(tenant.placement.schema)}.wellness_entries (tenant_id, employee_id, kind, value, logged_on)
       SELECT $1, $2, (ARRAY['steps','sleep_hours','water_ml','mood'])[1 + i % 4], i % 1000, date '2026-01-01' + (i % 300)
       FROM generate_series(1, $3) i`,
      [tenant.id, employeeId, rows],
    );
    await c.query(`VACUUM (ANALYZE) ${quoteIdent(tenant.placement.schema)}.wellness_entries`);
  });
}

export interface SchemaFleetBenchResult {
  schemas: number;
  concurrency: number;
  fewOpsPerSec: number;
  manyOpsPerSec: number;
  /** throughput over every schema ÷ over 10 (budget ≥ 0.85) */
  ratio: number;
  /** Private memory (RssAnon) of the application's backends, summed, after each load. */
  fewBackendMiB: number;
  manyBackendMiB: number;
  backends: number;
  maxSchemasPerConnection: number;
  /** Passes over every schema (one round each) before its rate stopped climbing. */
  warmupPasses: number;
}

/** Private memory of this role's backends, read from /proc (the bench runs beside its server). */
async function backendMemoryMiB(databaseUrl: string, role: string): Promise<{ mib: number; backends: number }> {
  const pids = await withOwnerClient(databaseUrl, async (c) =>
    (await c.query<{ pid: number }>('SELECT pid FROM pg_stat_activity WHERE usename = $1', [role])).rows.map(
      (r) => r.pid,
    ),
  );
  const { readFile } = await import('node:fs/promises');
  let kib = 0;
  for (const pid of pids) {
    const status = await readFile(`/proc/${pid}/status`, 'utf8').catch(() => '');
    kib += Number(/RssAnon:\s+(\d+)/.exec(status)?.[1] ?? 0);
  }
  return { mib: kib / 1024, backends: pids.length };
}

/**
 * Thousands of schema tenants: point reads round-robin over every schema against the same reads over
 * 10 of them, throughput side by side at concurrency 32, with the application backends' private memory
 * after each — which POOL_MAX_SCHEMAS_PER_CONNECTION keeps from growing with the number of schemas.
 */
export async function schemaFleetBench(
  databaseUrl: string,
  options: { schemas: number; roundMs: number; rounds: number },
  log: (line: string) => void,
): Promise<SchemaFleetBenchResult> {
  const concurrency = 32;
  // Schema affinity on: each schema served by two of twenty single-connection partitions, whose
  // statement caches hold one prepared read for each schema of their share (5,000 × 2 ÷ 20).
  const install = await startBenchInstallation(databaseUrl, 'benchschemas', {
    SHARED_POOL_PARTITIONS: '20',
    PG_STATEMENT_CACHE_SIZE: '1000',
  });
  try {
    const started = Date.now();
    const targets: Target[] = [];
    for (let i = 0; i < options.schemas; i++) {
      const { tenant, employeeId } = await createWithEmployee(install.config, install.controlPlane, `s-${i}`, 'schema');
      targets.push({ tenantId: tenant.id, employeeId });
    }
    log(`  ${options.schemas} schema tenants in ${((Date.now() - started) / 1000).toFixed(1)} s`);
    const tenantDb = install.api.get(TenantDb);
    const employees = install.api.get(EmployeesRepository);
    const read = (t: Target) => tenantDb.statementFor(t.tenantId, (tx) => employees.findById(tx, t.employeeId));
    const few = targets.slice(0, 10);
    const throughput = async (set: Target[]) => {
      let next = 0;
      let done = 0;
      const deadline = performance.now() + options.roundMs;
      const t0 = performance.now();
      await Promise.all(
        Array.from({ length: concurrency }, async () => {
          while (performance.now() < deadline) {
            await read(set[next++ % set.length]!);
            done++;
          }
        }),
      );
      return done / ((performance.now() - t0) / 1000);
    };
    // Warm both ways before the measured rounds. Every schema's catalog is loaded and its read
    // prepared (on its second use) by each connection of its share: a few passes over thousands of
    // schemas, repeated until the rate stops climbing, so that the rounds compare steady states.
    await throughput(few);
    const fewMemory = await backendMemoryMiB(databaseUrl, install.config.names.appRole);
    let warmupPasses = 1;
    for (let last = await throughput(targets); warmupPasses < 10; warmupPasses++) {
      const rate = await throughput(targets);
      if (rate < last * 1.05) break;
      last = rate;
    }
    const fewRates: number[] = [];
    const manyRates: number[] = [];
    for (let round = 0; round < options.rounds; round++) {
      fewRates.push(await throughput(few));
      manyRates.push(await throughput(targets));
    }
    const manyMemory = await backendMemoryMiB(databaseUrl, install.config.names.appRole);
    const fewOpsPerSec = median(fewRates);
    const manyOpsPerSec = median(manyRates);
    return {
      schemas: options.schemas,
      concurrency,
      fewOpsPerSec,
      manyOpsPerSec,
      ratio: manyOpsPerSec / fewOpsPerSec,
      fewBackendMiB: fewMemory.mib,
      manyBackendMiB: manyMemory.mib,
      backends: manyMemory.backends,
      maxSchemasPerConnection: install.config.pools.maxSchemasPerConnection,
      warmupPasses,
    };
  } finally {
    await install.close();
  }
}
