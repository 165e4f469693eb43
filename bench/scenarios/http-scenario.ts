import { Controller, Get, Headers, Module, NotFoundException, Param } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import type { NestExpressApplication } from '@nestjs/platform-express';
import autocannon from 'autocannon';
import type { Pool } from 'pg';
import type { BenchTenant } from '../fixture';
import { pick } from '../measure';
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
