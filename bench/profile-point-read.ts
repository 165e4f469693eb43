import 'reflect-metadata';
import { singleRow, withDatabase } from '@switchyard/postgres';
import { ConnectionResolver, PoolRegistry, ScopedQuery, TenantDb } from '@switchyard/tenancy';
import { EmployeesRepository } from '@switchyard/tenant-data';
import { Pool } from 'pg';
import { buildFixture, tenantsOf } from './fixture';
import { pick } from './measure';
import { captureSql, qualify } from './sql-capture';
import { cpuSeconds } from './cpu-split';
import { startProfileInstallation } from './profile-installation';

/**
 * Where the time of a routed point read goes: runs routed and bare point reads back to back, one at a
 * time, printing µs per operation. Run under `node --cpu-prof` to get a profile of the routed loop.
 */
async function main(): Promise<void> {
  const { config, controlPlane: cp, api, close } = await startProfileInstallation('benchprof');
  await api.init();
  const tier = (process.argv[4] ?? 'shared') as 'shared' | 'schema' | 'database';
  const fixture = await buildFixture(
    config,
    cp,
    { shared: 0, schema: 0, database: 0, [tier]: tier === 'database' ? 10 : 20, employeesPerTenant: 100 },
    console.log,
  );
  const tenants = tenantsOf(fixture, tier);
  const tenantDb = api.get(TenantDb);
  const repo = api.get(EmployeesRepository);
  const bareDb = tenants[0].tenant.placement.database;
  const bare = new Pool({ connectionString: withDatabase(config.databaseUrl, bareDb), max: 1 });
  const stmt = singleRow(
    await captureSql('00000000-0000-4000-8000-000000000001', (tx) =>
      repo.findById(tx, '00000000-0000-4000-8000-000000000002'),
    ),
    'statement of findById',
  );
  const n = Number(process.argv[2] ?? 5000);
  const concurrency = Number(process.argv[3] ?? 1);
  const bareWide = new Pool({
    connectionString: withDatabase(config.databaseUrl, bareDb),
    max: config.pools.sharedMax,
  });
  const run = async (label: string, op: () => Promise<unknown>) => {
    const before = cpuSeconds();
    const t = performance.now();
    await Promise.all(
      Array.from({ length: concurrency }, async () => {
        for (let i = 0; i < n / concurrency; i++) await op();
      }),
    );
    const ms = performance.now() - t;
    const after = cpuSeconds();
    const perOp = (s: number) => ((s * 1e6) / n).toFixed(0);
    console.log(
      `${label.padEnd(7)} ${((ms * 1000) / n).toFixed(0).padStart(4)} µs/op wall, node ${perOp(after.self - before.self)} µs/op cpu, postgres ${perOp(after.others - before.others)} µs/op cpu`,
    );
  };
  for (let round = 0; round < 3; round++) {
    await run('routed', () => {
      const x = pick(tenants);
      return tenantDb.statementFor(x.tenant.id, (tx) => repo.findById(tx, pick(x.employeeIds)));
    });
    if (process.argv.includes('--routed-only')) continue;
    const resolver = api.get(ConnectionResolver);
    const pools = api.get(PoolRegistry);
    await run('scoped', async () => {
      const x = pick(tenants);
      const { route } = await resolver.resolve(x.tenant.id);
      const { scope } = route;
      const client = await pools.connect(route.server, route.database, route.poolKind);
      try {
        await new Promise((resolve, reject) =>
          client.query(
            new ScopedQuery(
              { text: stmt.text, values: [x.tenant.id, pick(x.employeeIds)] },
              { prologue: { scope, begin: false } },
              (e, r) => (e ? reject(e) : resolve(r)),
            ),
          ),
        );
      } finally {
        client.release();
      }
    });
    await run('bare', () => {
      const x = tenants[0];
      return (concurrency > 1 ? bareWide : bare).query(qualify(stmt.text, x.tenant.placement.schema), [
        x.tenant.id,
        pick(x.employeeIds),
      ]);
    });
    await run('bare-p', () => {
      const x = tenants[0];
      return (concurrency > 1 ? bareWide : bare).query({
        name: 'bare.by_id',
        text: qualify(stmt.text, x.tenant.placement.schema),
        values: [x.tenant.id, pick(x.employeeIds)],
      });
    });
  }
  await bareWide.end();
  await bare.end();
  await close();
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
