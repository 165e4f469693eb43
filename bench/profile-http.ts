import 'reflect-metadata';
import { TokenIssuer } from '@switchyard/auth';
import { singleRow, withDatabase } from '@switchyard/postgres';
import { EmployeesRepository } from '@switchyard/tenant-data';
import { Pool } from 'pg';
import { cpuSeconds } from './cpu-split';
import { startProfileInstallation } from './profile-installation';
import { buildFixture, tenantsOf } from './fixture';
import { bareRequests, load, routedRequests, startBareApp, warmUp, type LoadTarget } from './scenarios/http-scenario';
import { captureSql } from './sql-capture';

/**
 * Where the time of a routed `GET /v1/employees/{id}` goes: loads the API and the bench's bare endpoint
 * in alternating rounds (autocannon in a worker thread) and prints requests per second with CPU per
 * request split between this process and PostgreSQL. Run under `node --cpu-prof` for a profile of the
 * request path (main thread). Usage: node dist/bench/profile-http.js [seconds] [tier] [rounds] [routed|bare]
 * (the last argument loads that side alone, for a profile of it)
 */
async function main(): Promise<void> {
  const { config, controlPlane: cp, api, close } = await startProfileInstallation('benchhttp');
  await api.listen(0, '127.0.0.1');
  const seconds = Number(process.argv[2] ?? 5);
  const tier = (process.argv[3] ?? 'shared') as 'shared' | 'schema' | 'database';
  const rounds = Number(process.argv[4] ?? 3);
  const fixture = await buildFixture(
    config,
    cp,
    { shared: 0, schema: 0, database: 0, [tier]: tier === 'database' ? 4 : 20, employeesPerTenant: 100 },
    () => undefined,
  );
  const tenants = tenantsOf(fixture, tier);
  const issuer = api.get(TokenIssuer);
  const tokens = new Map(
    tenants.map((t) => [t.tenant.id, issuer.issue({ sub: 'bench', tid: t.tenant.id, expiresInSeconds: 3600 })]),
  );
  // The bare endpoint serves one database: in the database tier, the first tenant only (as the bench).
  const scope = tier === 'database' ? tenants.slice(0, 1) : tenants;
  const first = scope[0];
  if (!first) throw new Error(`no ${tier} tenant in the fixture`);
  const statement = singleRow(
    await captureSql('00000000-0000-4000-8000-000000000001', (tx) =>
      api.get(EmployeesRepository).findById(tx, '00000000-0000-4000-8000-000000000002'),
    ),
    'statement of findById',
  );
  const pool = new Pool({
    connectionString: withDatabase(config.databaseUrl, first.tenant.placement.database),
    max: tier === 'database' ? config.pools.databaseMax : config.pools.sharedMax,
  });
  const bareApp = await startBareApp(pool, statement.text, scope);
  const url = (app: { getUrl(): Promise<string> }) => app.getUrl().then((u) => u.replace('[::1]', '127.0.0.1'));
  const targets: [string, LoadTarget][] = [
    ['routed', { url: await url(api), requests: routedRequests(scope, tokens) }],
    ['bare', { url: await url(bareApp), requests: bareRequests(scope) }],
  ];
  const side = process.argv[5];
  if (side) targets.splice(0, targets.length, ...targets.filter(([name]) => name === side));
  for (const [name, target] of targets) console.log(`${name} warmed up in ${await warmUp(target, 32)} runs`);
  for (let round = 0; round < rounds; round++) {
    const rates: number[] = [];
    for (const [name, target] of targets) {
      const before = cpuSeconds();
      const loop = performance.eventLoopUtilization();
      const r = await load(target, 32, seconds);
      const busy = performance.eventLoopUtilization(loop).active / 1000;
      const after = cpuSeconds();
      const total = r.rps * seconds;
      const perRequest = (s: number) => ((s * 1e6) / total).toFixed(0);
      rates.push(r.rps);
      console.log(
        `${name.padEnd(6)} ${r.rps.toFixed(0)} req/s (${r.errors} errors, ${r.non2xx} non-2xx); per request: main thread ${perRequest(busy)} µs busy; CPU: node ${perRequest(after.self - before.self)} µs (app and load generator), postgres ${perRequest(after.others - before.others)} µs`,
      );
    }
    const [routed = 0, bare = 0] = rates;
    if (bare) console.log(`ratio ${(routed / bare).toFixed(2)}`);
  }
  await bareApp.close();
  await pool.end();
  await close();
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
