import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { TokenIssuer } from '@switchyard/auth';
import type { SwitchyardConfig } from '@switchyard/config';
import { withDatabase, withOwnerClient } from '@switchyard/postgres';
import { dropTestInstallation, freePort, testConfig } from '@switchyard/testing';
import { cliEnv } from './support/cli';
import { ENTRY, http, startProcess, type ProductProcess } from './support/processes';

/** SIGTERM, as an orchestrator sends it, after and during the control plane's work: exit 0, nothing lost. */
describe('shutdown', () => {
  let config: SwitchyardConfig;
  let env: NodeJS.ProcessEnv;
  let api: string;
  let cp: string;
  let issuer: TokenIssuer;
  let running: ProductProcess | undefined;

  beforeAll(async () => {
    config = testConfig(inject('databaseUrl'), inject('runId'));
    const [apiPort, cpPort] = await Promise.all([freePort(), freePort()]);
    api = `http://127.0.0.1:${apiPort}`;
    cp = `http://127.0.0.1:${cpPort}`;
    env = cliEnv(config, { API_PORT: String(apiPort), CONTROL_PLANE_PORT: String(cpPort), MOVE_STALE_MS: '60000' });
    issuer = new TokenIssuer(config);
  });
  afterAll(async () => {
    await running?.stop('SIGKILL');
    if (config) await dropTestInstallation(config);
  });

  const ops = () => issuer.issue({ sub: 'ops:test', roles: ['ops'], expiresInSeconds: 600 });
  const start = async (extra: Record<string, string> = {}) => {
    running = await startProcess(ENTRY.cli, ['dev', '--no-seed'], { ...env, ...extra }, `${api}/health/live`);
    return running;
  };
  const move = (id: string) => http('GET', `${cp}/v1/moves/${id}`, ops());
  const ownerQuery = async (database: string, sql: string, params: unknown[] = []) =>
    (await withOwnerClient(withDatabase(config.databaseUrl, database), (c) => c.query(sql, params))).rows;

  it('exits 0 after a move', async () => {
    const dev = await start();
    const tenant = (await http('POST', `${cp}/v1/tenants`, ops(), { slug: 'sd-moved', name: 'Moved', tier: 'shared' }))
      .body;
    const token = issuer.issue({ sub: 'u', tid: tenant.id, expiresInSeconds: 600 });
    expect((await http('POST', `${api}/v1/employees`, token, { email: 'a@sd.io', fullName: 'A' })).status).toBe(201);
    const accepted = await http('POST', `${cp}/v1/tenants/${tenant.id}/moves`, ops(), { tier: 'database' });
    expect(accepted.status).toBe(202);
    await expect.poll(async () => (await move(accepted.body.id)).body.state, { timeout: 60_000 }).toBe('done');
    expect((await http('GET', `${api}/v1/employees`, token)).body.items).toHaveLength(1);
    expect(await dev.stop('SIGTERM')).toEqual({ code: 0, signal: null });
  });

  it('exits 0 after a tenant is deleted', async () => {
    const dev = await start();
    for (const tier of ['shared', 'schema', 'database']) {
      const tenant = (await http('POST', `${cp}/v1/tenants`, ops(), { slug: `sd-gone-${tier}`, name: 'Gone', tier }))
        .body;
      const token = issuer.issue({ sub: 'u', tid: tenant.id, expiresInSeconds: 600 });
      expect((await http('POST', `${api}/v1/employees`, token, { email: 'a@sd.io', fullName: 'A' })).status).toBe(201);
      expect((await http('DELETE', `${cp}/v1/tenants/${tenant.id}`, ops())).status).toBe(204);
      expect((await http('GET', `${api}/v1/employees`, token)).status).toBe(403);
    }
    expect(await dev.stop('SIGTERM')).toEqual({ code: 0, signal: null });
  });

  it('exits 0 during a move, handing it back rolled back; the next process finishes it', async () => {
    const dev = await start({ MOVE_PHASE_DELAY_MS: '1500' });
    const tenant = (
      await http('POST', `${cp}/v1/tenants`, ops(), { slug: 'sd-moving', name: 'Moving', tier: 'schema' })
    ).body;
    await ownerQuery(
      tenant.placement.database,
      `INSERT INTO "${tenant.placement.schema}".employees (tenant_id, id, email, full_name)
       SELECT $1, gen_random_uuid(), 'p' || i || '@sd.io', 'P ' || i FROM generate_series(1, 5000) AS i`,
      [tenant.id],
    );
    const accepted = await http('POST', `${cp}/v1/tenants/${tenant.id}/moves`, ops(), { tier: 'shared' });
    await expect.poll(async () => (await move(accepted.body.id)).body.state, { timeout: 60_000 }).toBe('catching_up');
    expect(await dev.stop('SIGTERM')).toEqual({ code: 0, signal: null });

    // Handed back: pending, unclaimed; the tenant was put back where it was, unfrozen.
    const control = config.names.controlDatabase;
    const [handedBack] = await ownerQuery(control, 'SELECT state, worker FROM moves WHERE id = $1', [accepted.body.id]);
    expect(handedBack).toEqual({ state: 'pending', worker: null });
    const [placement] = await ownerQuery(control, 'SELECT tier, state, version FROM placements WHERE tenant_id = $1', [
      tenant.id,
    ]);
    expect(placement).toEqual({ tier: 'schema', state: 'ready', version: 1 });

    const next = await start();
    await expect.poll(async () => (await move(accepted.body.id)).body.state, { timeout: 60_000 }).toBe('done');
    const token = issuer.issue({ sub: 'u', tid: tenant.id, expiresInSeconds: 600 });
    const [count] = await ownerQuery(
      config.names.sharedDatabase,
      'SELECT count(*)::int AS n FROM employees WHERE tenant_id = $1',
      [tenant.id],
    );
    expect(count.n).toBe(5000);
    expect((await http('GET', `${api}/v1/employees?limit=1`, token)).status).toBe(200);
    expect(await next.stop('SIGINT')).toEqual({ code: 0, signal: null });
  }, 120_000);
});
