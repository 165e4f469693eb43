import { pipeline } from 'node:stream/promises';
import { ServerDirectory, TenantsRepository, type TenantRecord, type Tier } from '@switchyard/control-plane';
import { MoveRunner, MovesService } from '@switchyard/moves';
import { withOwnerClient } from '@switchyard/postgres';
import { CellsService, TenantLifecycleService } from '@switchyard/provisioning';
import { TenantContext } from '@switchyard/tenancy';
import { EmployeesService } from '@switchyard/tenant-data';
import { startBenchInstallation } from '../bench-installation';
import { from as copyFrom, to as copyTo } from 'pg-copy-streams';

export interface MoveBenchResult {
  from: Tier;
  to: Tier;
  /** Where the move went besides its tier: "cell east-1", "server primary". */
  via?: string;
  rows: number;
  moveSeconds: number;
  bareCopySeconds: number;
  ratio: number;
  freezeMs: number;
  writerP99Ms: number;
  writerMaxMs: number;
  writes: number;
  writeErrors: number;
}

const COLUMNS = '"tenant_id", "id", "email", "full_name", "created_at", "updated_at"';

/** One leg of a tenant's journey: from its tier to another, or to another cell or server. */
export interface MoveLeg {
  from: Tier;
  to: Tier;
  cell?: string;
  server?: string;
}

/** The baseline: a bare COPY of the same rows into an indexed copy of the table at the target. */
async function bareCopy(
  servers: ServerDirectory,
  from: TenantRecord['placement'],
  to: { server: string; database: string },
  tenantId: string,
): Promise<number> {
  return withOwnerClient(servers.ownerUrl(to.server, to.database), async (target) => {
    await target.query('DROP SCHEMA IF EXISTS bench_copy CASCADE; CREATE SCHEMA bench_copy');
    await target.query(
      'CREATE TABLE bench_copy.employees (LIKE public.employees INCLUDING DEFAULTS INCLUDING INDEXES)',
    );
    const started = performance.now();
    await withOwnerClient(servers.ownerUrl(from.server, from.database), async (source) => {
      await pipeline(
        source.query(
          copyTo(`COPY (SELECT ${COLUMNS} FROM "${from.schema}".employees WHERE tenant_id = '${tenantId}') TO STDOUT`),
        ),
        target.query(copyFrom(`COPY bench_copy.employees (${COLUMNS}) FROM STDIN`)),
      );
    });
    const seconds = (performance.now() - started) / 1000;
    await target.query('DROP SCHEMA bench_copy CASCADE');
    return seconds;
  });
}

/**
 * The move rows of BENCHMARKS.md: a large tenant moved in each direction while a writer keeps inserting through
 * the router; total time against a bare COPY of the same rows, the recorded freeze, and the writer's
 * latency p99 (what a client felt).
 */
export async function moveBench(
  databaseUrl: string,
  rows: number,
  directions: MoveLeg[],
  log: (line: string) => void,
  east?: string,
): Promise<MoveBenchResult[]> {
  const install = await startBenchInstallation(databaseUrl, 'benchmove', east ? { EXTRA_SERVERS: `east=${east}` } : {});
  const { config, controlPlane: cp, api } = install;
  if (east) await cp.get(CellsService).add('east-1', 'east');
  const servers = cp.get(ServerDirectory);
  const results: MoveBenchResult[] = [];
  try {
    const [firstDirection] = directions;
    if (!firstDirection) throw new Error('moveBench needs at least one direction');
    let tenant = (
      await cp
        .get(TenantLifecycleService)
        .create({ slug: 'bench-mover', name: 'Mover', tier: firstDirection.from, server: 'primary' })
    ).tenant;
    const started = Date.now();
    await withOwnerClient(servers.ownerUrl(tenant.placement.server, tenant.placement.database), (c) =>
      c.query(
        `INSERT INTO "${tenant.placement.schema}".employees (tenant_id, id, email, full_name)
         SELECT $1, gen_random_uuid(), 'p' || i || '@mover.io', 'Person ' || i FROM generate_series(1, $2) AS i`,
        [tenant.id, rows],
      ),
    );
    log(`  loaded ${rows} rows in ${((Date.now() - started) / 1000).toFixed(1)} s`);
    for (const { from, to, cell, server } of directions) {
      const via = cell ? `cell ${cell}` : server ? `server ${server}` : undefined;
      if (tenant.tier !== from) throw new Error(`expected the tenant in ${from}, found ${tenant.tier}`);
      const move = await cp.get(MovesService).request(tenant.id, { tier: to, cell, server });
      // The same server as the move's target; a tenant database does not exist before its move, so the
      // primary's shared one receives instead (streaming costs the same whichever database receives).
      const bareTarget =
        move.toTier === 'database'
          ? { server: 'primary', database: config.names.sharedDatabase }
          : { server: move.toServer, database: move.toDatabase };
      const bareCopySeconds = await bareCopy(servers, tenant.placement, bareTarget, tenant.id);
      // A writer through the router for the whole move: its latencies show the freeze as clients feel it.
      const latencies: number[] = [];
      let errors = 0;
      let writing = true;
      const writer = (async () => {
        const context = api.get(TenantContext);
        const employees = api.get(EmployeesService);
        for (let i = 0; writing; i++) {
          const t0 = performance.now();
          try {
            await context.run(tenant.id, () =>
              employees.create({ email: `writer-${from}-${to}-${i}@mover.io`, fullName: 'Writer' }),
            );
          } catch {
            errors++;
          }
          latencies.push(performance.now() - t0);
        }
      })();
      const t0 = performance.now();
      const done = await cp.get(MoveRunner).execute(move.id);
      const moveSeconds = (performance.now() - t0) / 1000;
      writing = false;
      await writer;
      if (done.state !== 'done') throw new Error(`move ${from} → ${to} ended ${done.state}: ${done.error}`);
      latencies.sort((a, b) => a - b);
      const result: MoveBenchResult = {
        from,
        to,
        via,
        rows: done.rowsCopied,
        moveSeconds,
        bareCopySeconds,
        ratio: moveSeconds / bareCopySeconds,
        freezeMs: done.freezeMs ?? 0,
        writerP99Ms: latencies[Math.floor(latencies.length * 0.99)] ?? 0,
        writerMaxMs: latencies.at(-1) ?? 0,
        writes: latencies.length,
        writeErrors: errors,
      };
      results.push(result);
      log(
        `  ${from} → ${to}${via ? ` (${via})` : ''}: ${result.rows} rows in ${moveSeconds.toFixed(1)} s (bare COPY ${bareCopySeconds.toFixed(1)} s, ${result.ratio.toFixed(2)}×), ` +
          `freeze ${result.freezeMs} ms, writer p99 ${result.writerP99Ms.toFixed(0)} ms (max ${result.writerMaxMs.toFixed(0)} ms, ${errors} errors / ${latencies.length} writes)`,
      );
      tenant = (await cp.get(TenantsRepository).findById(tenant.id))!;
    }
    return results;
  } finally {
    await install.close();
  }
}
