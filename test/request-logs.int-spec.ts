import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { TokenIssuer } from '@switchyard/auth';
import type { SwitchyardConfig } from '@switchyard/config';
import { dropTestInstallation, freePort, testConfig } from '@switchyard/testing';
import { cliEnv } from './support/cli';
import { ENTRY, http, startProcess, type ProductProcess } from './support/processes';
import { waitFor } from './support/wait';

/**
 * Structured logs as a collector reads them from the real processes: one JSON line per request with
 * its request id, tenant, route template, status and duration — and never a token or a request body.
 */
async function setup() {
  const config = testConfig(inject('databaseUrl'), inject('runId'));
  const [apiPort, cpPort] = await Promise.all([freePort(), freePort()]);
  const env = cliEnv(config, {
    API_PORT: String(apiPort),
    CONTROL_PLANE_PORT: String(cpPort),
    LOG_LEVEL: 'log',
    LOG_FORMAT: 'json',
  });
  const api = `http://127.0.0.1:${apiPort}`;
  const cp = `http://127.0.0.1:${cpPort}`;
  const processes: ProductProcess[] = [await startProcess(ENTRY.controlPlane, [], env, `${cp}/health/live`)];
  processes.push(await startProcess(ENTRY.api, [], env, `${api}/health/live`));
  return { config, api, cp, processes, issuer: new TokenIssuer(config) };
}

const jsonLines = (output: string) =>
  output
    .split('\n')
    .filter((line) => line.startsWith('{'))
    .map((line) => JSON.parse(line) as Record<string, unknown>);

describe('request logs', () => {
  let ctx: Awaited<ReturnType<typeof setup>>;
  let config: SwitchyardConfig | undefined;
  beforeAll(async () => {
    ctx = await setup();
    config = ctx.config;
  });
  afterAll(async () => {
    await Promise.all((ctx?.processes ?? []).map((p) => p.stop('SIGKILL')));
    if (config) await dropTestInstallation(config);
  });

  it('writes one JSON line per request, with its id and tenant, and no token or body', async () => {
    const { api, cp, processes, issuer } = ctx;
    const [controlPlane, tenantApi] = processes as [ProductProcess, ProductProcess];
    const ops = issuer.issue({ sub: 'ops:logs', roles: ['ops'], expiresInSeconds: 600 });
    const created = await http('POST', `${cp}/v1/tenants`, ops, { slug: 'logged', name: 'Logged', tier: 'shared' });
    expect(created.status).toBe(201);
    const token = issuer.issue({ sub: 'user-1', tid: created.body.id, expiresInSeconds: 600 });

    const secret = 'a-body-secret-that-must-not-be-logged';
    const res = await fetch(`${api}/v1/employees`, {
      method: 'POST',
      headers: { Authorization: `Bearer ${token}`, 'Content-Type': 'application/json', 'X-Request-Id': 'trace-log-1' },
      body: JSON.stringify({ email: 'log@x.io', fullName: secret }),
    });
    expect(res.status).toBe(201);
    const id = ((await res.json()) as { id: string }).id;
    expect((await http('GET', `${api}/v1/employees/${id}`, token)).status).toBe(200);

    const requestLines = () => jsonLines(tenantApi.output()).filter((l) => l.msg === 'request');
    await waitFor(requestLines, (lines) => lines.some((l) => l.route === '/v1/employees/:id'), {
      what: 'the read to be logged',
    });
    expect(requestLines()).toEqual(
      expect.arrayContaining([
        expect.objectContaining({
          app: 'api',
          level: 'info',
          requestId: 'trace-log-1',
          tenantId: created.body.id,
          method: 'POST',
          route: '/v1/employees',
          status: 201,
          durationMs: expect.any(Number),
          time: expect.any(String),
        }),
        expect.objectContaining({ route: '/v1/employees/:id', status: 200, requestId: expect.any(String) }),
      ]),
    );
    // The control plane logs the same way; nothing in either process's output is a credential or a body.
    await waitFor(
      () => jsonLines(controlPlane.output()).filter((l) => l.msg === 'request'),
      (lines) => lines.some((l) => l.route === '/v1/tenants' && l.status === 201),
      { what: 'the tenant creation to be logged' },
    );
    for (const output of [tenantApi.output(), controlPlane.output()]) {
      expect(output).not.toContain(token);
      expect(output).not.toContain(ops);
      expect(output).not.toContain(secret);
      expect(output).not.toContain('log@x.io');
    }
  });
});
