import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { TokenIssuer } from '@switchyard/auth';
import type { SwitchyardConfig } from '@switchyard/config';
import { withDatabase, withOwnerClient } from '@switchyard/postgres';
import { freePort, startPrivateCluster, testConfig, type PrivateCluster } from '@switchyard/testing';
import { cliEnv } from './support/cli';
import { startHarness, type Harness } from './support/harness';
import { ENTRY, http, startProcess, type ProductProcess } from './support/processes';

interface Outcome {
  status: number;
  retryAfter: string | null;
  code?: string;
  /** How long the request took, and when its answer arrived. */
  ms: number;
  at: number;
  url: string;
  /** Why there was no answer (status 0): refused, reset, timed out. */
  error?: string;
}

/**
 * The tenant API and the control plane, each in its own OS process, on a PostgreSQL server of their own
 * that the test terminates connections of and restarts under load: the processes stay up, answer 503
 * with Retry-After while the database is gone (never 500, never a hang), and recover by themselves.
 */
describe('database faults under load', () => {
  let cluster: PrivateCluster;
  let config: SwitchyardConfig;
  let api: ProductProcess;
  let controlPlane: ProductProcess;
  let apiBase: string;
  let cpBase: string;
  let issuer: TokenIssuer;
  const tenants: { tier: string; token: string; employeeId: string }[] = [];

  beforeAll(async () => {
    cluster = await startPrivateCluster('faults');
    config = testConfig(cluster.url, inject('runId'));
    const [apiPort, cpPort] = await Promise.all([freePort(), freePort()]);
    apiBase = `http://127.0.0.1:${apiPort}`;
    cpBase = `http://127.0.0.1:${cpPort}`;
    const env = cliEnv(config, {
      API_PORT: String(apiPort),
      CONTROL_PLANE_PORT: String(cpPort),
      PG_CONNECT_TIMEOUT_MS: '2000',
    });
    controlPlane = await startProcess(ENTRY.controlPlane, [], env, `${cpBase}/health/live`);
    api = await startProcess(ENTRY.api, [], env, `${apiBase}/health/live`);
    issuer = new TokenIssuer(config);
    for (const tier of ['shared', 'schema', 'database']) {
      const created = await http('POST', `${cpBase}/v1/tenants`, ops(), { slug: `fault-${tier}`, name: tier, tier });
      expect(created.status).toBe(201);
      const token = issuer.issue({ sub: 'u', tid: created.body.id, expiresInSeconds: 3600 });
      const employee = await http('POST', `${apiBase}/v1/employees`, token, {
        email: `${tier}@fault.io`,
        fullName: tier,
      });
      expect(employee.status).toBe(201);
      tenants.push({ tier, token, employeeId: employee.body.id });
    }
  });
  afterAll(async () => {
    await api?.stop('SIGKILL');
    await controlPlane?.stop('SIGKILL');
    await cluster?.dispose();
  });

  const ops = () => issuer.issue({ sub: 'ops:test', roles: ['ops'], expiresInSeconds: 3600 });

  async function timed(method: string, url: string, token: string, body?: unknown): Promise<Outcome> {
    const started = Date.now();
    try {
      const res = await fetch(url, {
        method,
        headers: { Authorization: `Bearer ${token}`, ...(body ? { 'Content-Type': 'application/json' } : {}) },
        body: body ? JSON.stringify(body) : undefined,
        signal: AbortSignal.timeout(15_000),
      });
      const text = await res.text();
      const code =
        res.headers.get('content-type')?.includes('json') && text
          ? (JSON.parse(text) as { code?: string }).code
          : undefined;
      return {
        status: res.status,
        retryAfter: res.headers.get('retry-after'),
        code,
        ms: Date.now() - started,
        at: Date.now(),
        url,
      };
    } catch (error) {
      // No answer: hung, refused or reset. The cause says which process and how.
      const cause = (error as { cause?: { code?: string } }).cause?.code ?? (error as Error).name;
      return { status: 0, retryAfter: null, ms: Date.now() - started, at: Date.now(), url, error: cause };
    }
  }

  /** Reads and writes for every tier and the control plane, in a loop, recording every answer. */
  function startLoad() {
    const outcomes: Outcome[] = [];
    let running = true;
    const loops = tenants.flatMap(({ token, employeeId }, t) => [
      (async () => {
        for (let i = 0; running; i++) {
          outcomes.push(await timed('GET', `${apiBase}/v1/employees/${employeeId}`, token));
          outcomes.push(
            await timed('POST', `${apiBase}/v1/employees`, token, {
              email: `l${t}-${i}-${Date.now()}@fault.io`,
              fullName: 'L',
            }),
          );
        }
      })(),
      (async () => {
        while (running) outcomes.push(await timed('GET', `${apiBase}/v1/employees?limit=5`, token));
      })(),
    ]);
    const cpLoop = (async () => {
      while (running) outcomes.push(await timed('GET', `${cpBase}/v1/tenants?limit=5`, ops()));
    })();
    return {
      outcomes,
      since: (index: number) => outcomes.slice(index),
      stop: async () => {
        running = false;
        await Promise.all([...loops, cpLoop]);
        return outcomes;
      },
    };
  }

  /** Every tenant and the control plane answer 200 again (a tenant whose circuit opened, once it probes). */
  const allAnswer200 = async () => {
    for (const { token, employeeId } of tenants) {
      await expect
        .poll(
          async () => {
            const answer = await timed('GET', `${apiBase}/v1/employees/${employeeId}`, token);
            return `${answer.status} ${answer.code ?? ''}`;
          },
          { timeout: 15_000 },
        )
        .toBe('200 ');
    }
    expect((await timed('GET', `${cpBase}/v1/tenants?limit=1`, ops())).status).toBe(200);
  };

  /** A process that died or hung says so with its exit and its last output, not only with status 0. */
  const processes = () =>
    Object.entries({ api, 'control plane': controlPlane })
      .filter(([, p]) => p.child.exitCode !== null)
      .map(([name, p]) => `${name} exited ${p.child.exitCode}:\n${p.output().slice(-4000)}`);

  const judge = (outcomes: Outcome[]) => {
    const wrong = outcomes
      .filter((o) => ![200, 201, 503].includes(o.status))
      .map((o) => `${o.status} ${o.code ?? o.error ?? ''} from ${o.url} after ${o.ms} ms`);
    expect(wrong.length ? [...new Set(wrong.slice(0, 20)), ...processes()] : []).toEqual([]);
    const unavailable = outcomes.filter((o) => o.status === 503);
    expect(
      unavailable.filter(
        (o) => !o.retryAfter || !['DATABASE_UNAVAILABLE', 'STATEMENT_TIMEOUT', 'DATABASE_BUSY'].includes(o.code ?? ''),
      ),
    ).toEqual([]);
    return unavailable.length;
  };

  it('survives every connection being terminated, again and again, and recovers by itself', async () => {
    const load = startLoad();
    await expect.poll(() => load.outcomes.length).toBeGreaterThan(50);
    const recoveries: number[] = [];
    for (let round = 0; round < 3; round++) {
      const before = load.outcomes.length;
      const killedAt = Date.now();
      await withOwnerClient(cluster.url, (c) =>
        c.query(
          "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE backend_type = 'client backend' AND pid <> pg_backend_pid()",
        ),
      );
      await expect
        .poll(() => load.since(before).filter((o) => o.status === 200).length, { timeout: 20_000 })
        .toBeGreaterThan(20);
      recoveries.push(load.since(before).find((o) => o.status === 200 && o.at > killedAt)!.at - killedAt);
    }
    const outcomes = await load.stop();
    const unavailable = judge(outcomes);
    console.log(
      `terminated every connection 3 times: ${outcomes.length} answers, ${unavailable} of them 503; first 200 after ${recoveries.join(', ')} ms`,
    );
    expect(api.child.exitCode).toBeNull();
    expect(controlPlane.child.exitCode).toBeNull();
    await allAnswer200();
  });

  it('survives a fast restart of PostgreSQL: 503 with Retry-After while it is down, serving again once it is up', async () => {
    const load = startLoad();
    await expect.poll(() => load.outcomes.length).toBeGreaterThan(50);
    await cluster.stop();
    const downAt = load.outcomes.length;
    // Down: every answer is a quick 503, readiness says so, and the processes stay up.
    await expect
      .poll(() => load.since(downAt).filter((o) => o.status === 503).length, { timeout: 20_000 })
      .toBeGreaterThan(30);
    expect((await timed('GET', `${apiBase}/health/ready`, '')).status).toBe(503);
    expect((await timed('GET', `${cpBase}/health/ready`, '')).status).toBe(503);
    await cluster.start();
    const upAt = Date.now();
    const upIndex = load.outcomes.length;
    await expect
      .poll(() => load.since(upIndex).filter((o) => o.status === 200).length, { timeout: 30_000 })
      .toBeGreaterThan(20);
    const firstOk = load.since(upIndex).find((o) => o.status === 200 && o.at >= upAt)!;
    const outcomes = await load.stop();
    const during = outcomes.slice(downAt, upIndex);
    const slowest = Math.max(...during.map((o) => o.ms));
    judge(outcomes);
    expect(during.every((o) => o.status === 503 || o.status === 200 || o.status === 201)).toBe(true);
    expect(api.child.exitCode).toBeNull();
    expect(controlPlane.child.exitCode).toBeNull();
    await allAnswer200();
    expect((await timed('GET', `${apiBase}/health/ready`, '')).status).toBe(200);
    console.log(
      `restart: ${during.length} answers while down, all 503 (slowest ${slowest} ms); first 200 ${firstOk.at - upAt} ms after PostgreSQL accepted connections`,
    );
  });
});

describe('a statement timeout', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness({ STATEMENT_TIMEOUT_MS: '300' });
  });
  afterAll(() => h?.close());

  it('answers 503 STATEMENT_TIMEOUT with Retry-After, and the connection serves the next request', async () => {
    const tenant = await h.createTenant('slow-shared', 'shared');
    const auth = { Authorization: `Bearer ${h.tokenFor(tenant.id)}` };
    expect((await h.apiRequest().get('/v1/employees').set(auth)).status).toBe(200);
    const locker = await withOwnerClient(
      withDatabase(h.config.databaseUrl, h.config.names.sharedDatabase),
      async (c) => {
        // Someone holds the table: the request waits for it until its statement timeout.
        await c.query('BEGIN');
        await c.query('LOCK TABLE employees IN ACCESS EXCLUSIVE MODE');
        const res = await h.apiRequest().get('/v1/employees').set(auth);
        await c.query('ROLLBACK');
        return res;
      },
    );
    expect(locker.status).toBe(503);
    expect(locker.headers['retry-after']).toBe('1');
    expect(locker.body).toMatchObject({ code: 'STATEMENT_TIMEOUT', status: 503 });
    expect((await h.apiRequest().get('/v1/employees').set(auth)).status).toBe(200);
  });
});
