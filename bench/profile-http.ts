import 'reflect-metadata';
import { TokenIssuer } from '@switchyard/auth';
import { cpuSeconds } from './cpu-split';
import { startProfileInstallation } from './profile-installation';
import { buildFixture, tenantsOf } from './fixture';
import { load, routedRequests } from './scenarios/http-scenario';

/**
 * Where the time of a routed `GET /v1/employees/{id}` goes: loads the API alone (autocannon in a worker
 * thread) and prints requests per second with CPU per request split between this process and
 * PostgreSQL. Run under `node --cpu-prof` for a profile of the request path (main thread).
 * Usage: node dist/bench/profile-http.js [seconds] [tier]
 */
async function main(): Promise<void> {
  const { config, controlPlane: cp, api, close } = await startProfileInstallation('benchhttp');
  await api.listen(0, '127.0.0.1');
  const seconds = Number(process.argv[2] ?? 10);
  const tier = (process.argv[3] ?? 'shared') as 'shared' | 'schema' | 'database';
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
  const target = { url: (await api.getUrl()).replace('[::1]', '127.0.0.1'), requests: routedRequests(tenants, tokens) };
  await load(target, 32, 2);
  for (let round = 0; round < 2; round++) {
    const before = cpuSeconds();
    const r = await load(target, 32, seconds);
    const after = cpuSeconds();
    const total = r.rps * seconds;
    const perRequest = (s: number) => ((s * 1e6) / total).toFixed(0);
    console.log(
      `${r.rps.toFixed(0)} req/s (${r.errors} errors, ${r.non2xx} non-2xx); CPU per request: node ${perRequest(after.self - before.self)} µs (app and load generator), postgres ${perRequest(after.others - before.others)} µs`,
    );
  }
  await close();
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
