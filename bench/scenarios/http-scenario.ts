import { Controller, Get, Headers, Module, NotFoundException, Param } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import type { NestExpressApplication } from '@nestjs/platform-express';
import autocannon from 'autocannon';
import type { Pool } from 'pg';
import type { BenchTenant } from '../fixture';
import { pick, quantile } from '../measure';
import { qualify } from '../sql-capture';

export const BARE_POOL = Symbol('BARE_POOL');
export const BARE_SQL = Symbol('BARE_SQL');

/** The baseline: the same framework and query, with no authentication, no router, no RLS. */
@Controller('bare/employees')
class BareEmployeesController {
  static pool: Pool;
  static sql: string;
  static schemas: Map<string, string>;

  @Get(':id')
  async get(@Param('id') id: string, @Headers('x-tenant-id') tenantId: string) {
    const schema = BareEmployeesController.schemas.get(tenantId) ?? 'public';
    const { rows } = await BareEmployeesController.pool.query(qualify(BareEmployeesController.sql, schema), [
      tenantId,
      id,
    ]);
    if (!rows[0]) throw new NotFoundException();
    return rows[0];
  }
}

@Module({ controllers: [BareEmployeesController] })
class BareModule {}

export async function startBareApp(pool: Pool, sql: string, tenants: BenchTenant[]): Promise<NestExpressApplication> {
  BareEmployeesController.pool = pool;
  BareEmployeesController.sql = sql;
  BareEmployeesController.schemas = new Map(tenants.map((t) => [t.tenant.id, t.tenant.placement.schema]));
  const app = await NestFactory.create<NestExpressApplication>(BareModule, { logger: false });
  await app.listen(0, '127.0.0.1');
  return app;
}

export interface LoadTarget {
  url: string;
  /** Requests cycled through by every connection. */
  requests: { method: 'GET'; path: string; headers: Record<string, string> }[];
}

export function routedRequests(
  tenants: BenchTenant[],
  tokens: Map<string, string>,
  count = 2_000,
): LoadTarget['requests'] {
  return Array.from({ length: count }, () => {
    const t = pick(tenants);
    return {
      method: 'GET' as const,
      path: `/v1/employees/${pick(t.employeeIds)}`,
      headers: { authorization: `Bearer ${tokens.get(t.tenant.id)}` },
    };
  });
}

export function bareRequests(tenants: BenchTenant[], count = 2_000): LoadTarget['requests'] {
  return Array.from({ length: count }, () => {
    const t = pick(tenants);
    return {
      method: 'GET' as const,
      path: `/bare/employees/${pick(t.employeeIds)}`,
      headers: { 'x-tenant-id': t.tenant.id },
    };
  });
}

/**
 * Loads `target` in one-second runs until its rate stops climbing (at most ten): the routed path runs
 * much more code than the bare endpoint, so it takes longer for V8 to optimise, and the rounds that
 * follow should compare steady states, not JIT warm-up. Returns the number of runs.
 */
export async function warmUp(target: LoadTarget, connections: number): Promise<number> {
  let runs = 1;
  for (let last = (await load(target, connections, 1)).rps; runs < 10; runs++) {
    const { rps } = await load(target, connections, 1);
    if (runs >= 3 && rps < last * 1.05) break;
    last = Math.max(last, rps);
  }
  return runs;
}

export interface PairedComparison {
  routedRps: number;
  bareRps: number;
  /** Median of the ratios of each pair of runs. */
  ratio: number;
  pairRatios: number[];
}

/**
 * Routed against bare in back-to-back pairs of runs, the order alternating from pair to pair: on a
 * shared VM the machine's speed drifts by tens of percent within a minute, and a ratio taken within a
 * pair (then the median over pairs) cancels what a ratio of two separately taken medians does not.
 */
export async function comparePaired(
  routed: LoadTarget,
  bare: LoadTarget,
  options: { pairs: number; seconds: number; connections: number },
): Promise<PairedComparison> {
  const routedRuns: number[] = [];
  const bareRuns: number[] = [];
  for (let pair = 0; pair < options.pairs; pair++) {
    const order = pair % 2 === 0 ? [routed, bare] : [bare, routed];
    const [first, second] = [
      await load(order[0]!, options.connections, options.seconds),
      await load(order[1]!, options.connections, options.seconds),
    ];
    const [a, b] = pair % 2 === 0 ? [first, second] : [second, first];
    if (a.errors || a.non2xx || b.errors || b.non2xx)
      throw new Error(`HTTP load saw failures: routed ${JSON.stringify(a)}, bare ${JSON.stringify(b)}`);
    routedRuns.push(a.rps);
    bareRuns.push(b.rps);
  }
  const pairRatios = routedRuns.map((r, i) => r / bareRuns[i]!);
  return {
    routedRps: quantile(routedRuns, 0.5),
    bareRps: quantile(bareRuns, 0.5),
    ratio: quantile(pairRatios, 0.5),
    pairRatios,
  };
}

/** Requests per second of an autocannon run (load generated in a worker thread). */
export async function load(
  target: LoadTarget,
  connections: number,
  seconds: number,
): Promise<{ rps: number; errors: number; non2xx: number }> {
  const result = await autocannon({
    url: target.url,
    connections,
    duration: seconds,
    requests: target.requests,
    workers: 1,
  });
  return { rps: result.requests.average, errors: result.errors, non2xx: result.non2xx };
}
