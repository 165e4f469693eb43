import type { NestExpressApplication } from '@nestjs/platform-express';
import { TokenIssuer } from '@switchyard/auth';
import type { SwitchyardConfig } from '@switchyard/config';
import { controlPlaneUrl, PRIMARY_SERVER } from '@switchyard/control-plane';
import { withOwnerClient } from '@switchyard/postgres';
import request from 'supertest';

export interface ConsoleQueryResult {
  name: string;
  path: string;
  p50Ms: number;
  p95Ms: number;
  budgetMs: number;
}

export interface ConsoleBenchResult {
  tenants: number;
  requests: number;
  queries: ConsoleQueryResult[];
}

/** What the console asks for most, with the answer time an operator should not notice (p95). */
const QUERIES: Omit<ConsoleQueryResult, 'p50Ms' | 'p95Ms'>[] = [
  { name: 'tenants, first page', path: '/v1/tenants?limit=50', budgetMs: 100 },
  { name: 'tenants, search', path: '/v1/tenants?q=console-bench-07&limit=50', budgetMs: 100 },
  { name: 'tenants, by name, page 100', path: '/v1/tenants?sort=name&order=desc&offset=4950&limit=50', budgetMs: 100 },
  {
    name: 'tenants, filtered',
    path: '/v1/tenants?tier=shared&status=suspended&server=primary&limit=50',
    budgetMs: 100,
  },
  { name: 'fleet overview', path: '/v1/overview', budgetMs: 500 },
  { name: 'upgrade candidates', path: '/v1/advisor/candidates', budgetMs: 1_000 },
];

/**
 * The console's questions over a control plane holding `tenants` tenants: each asked `requests` times
 * through the control-plane app (after warming up), one at a time. The tenants are control-plane rows
 * of the shared tier without data (a new shared tenant is exactly that); one in ten is suspended and
 * one in ten has a day of usage, so filters and the advisor have something to find. They are removed
 * afterwards.
 */
export async function consoleBench(
  config: SwitchyardConfig,
  controlPlane: NestExpressApplication,
  options: { tenants: number; requests: number },
  log: (line: string) => void,
): Promise<ConsoleBenchResult> {
  const url = controlPlaneUrl(config);
  await withOwnerClient(url, (client) =>
    client.query(
      `WITH made AS (
         INSERT INTO tenants (slug, name, status)
         SELECT 'console-bench-' || lpad(n::text, 5, '0'), 'Console Bench ' || n,
                CASE WHEN n % 10 = 0 THEN 'suspended' ELSE 'active' END
           FROM generate_series(1, $1::int) n
         RETURNING id, slug)
       , placed AS (
         INSERT INTO placements (tenant_id, tier, server, database, schema, state)
         SELECT id, 'shared', $2, $3, 'public', 'ready' FROM made RETURNING tenant_id)
       INSERT INTO tenant_usage (tenant_id, minute, requests, errors, db_ms, rows)
       SELECT tenant_id, date_trunc('minute', now()) - (m || ' minutes')::interval, 100, 1, 50, 100
         FROM placed, generate_series(0, 1439, 60) m
        WHERE abs(hashtext(tenant_id::text)) % 10 = 0`,
      [options.tenants, PRIMARY_SERVER, config.names.sharedDatabase],
    ),
  );
  const token = controlPlane.get(TokenIssuer).issue({ sub: 'ops:bench', roles: ['ops'], expiresInSeconds: 3600 });
  const server = controlPlane.getHttpServer();
  const queries: ConsoleQueryResult[] = [];
  try {
    for (const query of QUERIES) {
      const times: number[] = [];
      for (let i = 0; i < options.requests + 5; i++) {
        const started = process.hrtime.bigint();
        const response = await request(server).get(query.path).set('Authorization', `Bearer ${token}`);
        if (response.status !== 200) throw new Error(`${query.path}: ${response.status} ${response.text}`);
        if (i >= 5) times.push(Number(process.hrtime.bigint() - started) / 1e6);
      }
      times.sort((a, b) => a - b);
      const at = (q: number) => times[Math.min(times.length - 1, Math.floor(q * times.length))]!;
      queries.push({ ...query, p50Ms: at(0.5), p95Ms: at(0.95) });
      log(`  ${query.name.padEnd(28)} p50 ${at(0.5).toFixed(1)} ms  p95 ${at(0.95).toFixed(1)} ms`);
    }
  } finally {
    await withOwnerClient(url, async (client) => {
      await client.query(
        `DELETE FROM tenant_usage WHERE tenant_id IN (SELECT id FROM tenants WHERE slug LIKE 'console-bench-%')`,
      );
      await client.query(`DELETE FROM tenants WHERE slug LIKE 'console-bench-%'`);
    });
  }
  return { tenants: options.tenants, requests: options.requests, queries };
}
