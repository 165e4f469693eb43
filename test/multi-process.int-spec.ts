import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { TokenIssuer } from '@switchyard/auth';
import type { SwitchyardConfig } from '@switchyard/config';
import type { Tier } from '@switchyard/control-plane';
import { dropTestInstallation, freePort, testConfig } from '@switchyard/testing';
import { cliEnv } from './support/cli';
import { ENTRY, http, startProcess, type ProductProcess } from './support/processes';

const redisUrl = inject('redisUrl');

/**
 * A deployment in miniature: two tenant API processes and one control-plane process, each its own OS
 * process, with placement caches that would stay stale for an hour. Changes made through the control
 * plane are honoured by both APIs — through PostgreSQL alone, and with Redis as a second channel.
 */
describe.each([
  ['PostgreSQL LISTEN/NOTIFY only', undefined],
  ['PostgreSQL and Redis', redisUrl ?? undefined],
])('two API processes and a control plane (%s)', (_label, redis) => {
  let config: SwitchyardConfig;
  const processes: ProductProcess[] = [];
  let apis: [string, string];
  let cp: string;
  let issuer: TokenIssuer;

  beforeAll(async () => {
    if (_label.includes('Redis') && !redis) return;
    config = testConfig(inject('databaseUrl'), inject('runId'));
    const [a, b, c] = await Promise.all([freePort(), freePort(), freePort()]);
    apis = [`http://127.0.0.1:${a}`, `http://127.0.0.1:${b}`];
    cp = `http://127.0.0.1:${c}`;
    const env = cliEnv(config, {
      CONTROL_PLANE_PORT: String(c),
      PLACEMENT_CACHE_TTL_MS: '3600000',
      ...(redis ? { REDIS_URL: redis } : {}),
    });
    processes.push(await startProcess(ENTRY.controlPlane, [], env, `${cp}/health/live`));
    processes.push(
      ...(await Promise.all(
        [a, b].map((port, i) =>
          startProcess(ENTRY.api, [], { ...env, API_PORT: String(port) }, `${apis[i]}/health/live`),
        ),
      )),
    );
    issuer = new TokenIssuer(config);
  });
  afterAll(async () => {
    await Promise.all(processes.map((p) => p.stop()));
    if (config) await dropTestInstallation(config);
  });

  const ops = () => issuer.issue({ sub: 'ops:test', roles: ['ops'], expiresInSeconds: 600 });

  async function listAll(api: string, token: string): Promise<string[] | undefined> {
    const ids: string[] = [];
    let cursor: string | null = null;
    do {
      const res = await http('GET', `${api}/v1/employees?limit=100${cursor ? `&cursor=${cursor}` : ''}`, token);
      if (res.status !== 200) return undefined;
      ids.push(...(res.body.items as { id: string }[]).map((e) => e.id));
      cursor = res.body.nextCursor;
    } while (cursor);
    return ids;
  }

  it.skipIf(_label.includes('Redis') && !redis)(
    'a move through the control plane: no stale read, no lost write, in either API',
    async () => {
      const created = await http('POST', `${cp}/v1/tenants`, ops(), { slug: 'mp-tenant', name: 'MP', tier: 'shared' });
      expect(created.status).toBe(201);
      const token = issuer.issue({ sub: 'u', tid: created.body.id, expiresInSeconds: 600 });
      const acknowledged = new Set<string>();
      const problems: string[] = [];
      let running = true;
      // Writes go through the first API; reads only through the second, whose placement no write refreshes.
      const writer = (async () => {
        for (let i = 0; running; i++) {
          const res = await http('POST', `${apis[0]}/v1/employees`, token, {
            email: `mp${i}@x.io`,
            fullName: `MP ${i}`,
          });
          if (res.status === 201) acknowledged.add(res.body.id);
          else if (res.status !== 503) problems.push(`write: ${res.status} ${JSON.stringify(res.body)}`);
        }
      })();
      let reads = 0;
      const reader = (async () => {
        while (running) {
          const expected = new Set(acknowledged);
          const listed = await listAll(apis[1], token);
          if (listed) {
            const seen = new Set(listed);
            if (seen.size !== listed.length) problems.push(`read ${reads}: a row listed twice`);
            const missing = [...expected].filter((id) => !seen.has(id));
            if (missing.length)
              problems.push(`read ${reads}: ${missing.length} of ${expected.size} acknowledged rows missing`);
          }
          reads++;
        }
      })();

      for (const tier of ['schema', 'database', 'shared'] satisfies Tier[]) {
        const written = acknowledged.size;
        await expect.poll(() => acknowledged.size).toBeGreaterThan(written + 3);
        const move = await http('POST', `${cp}/v1/tenants/${created.body.id}/moves`, ops(), { tier });
        expect(move.status).toBe(202);
        await expect
          .poll(async () => (await http('GET', `${cp}/v1/moves/${move.body.id}`, ops())).body.state, {
            timeout: 60_000,
          })
          .toBe('done');
        const after = reads;
        await expect.poll(() => reads).toBeGreaterThan(after + 5);
      }
      running = false;
      await Promise.all([writer, reader]);

      expect(problems).toEqual([]);
      for (const api of apis) {
        const listed = await listAll(api, token);
        expect(listed?.length).toBe(acknowledged.size);
        expect(new Set(listed)).toEqual(acknowledged);
      }
    },
  );

  it.skipIf(_label.includes('Redis') && !redis)(
    'a suspension through the control plane reaches both APIs within a second, and so does the resumption',
    async () => {
      const created = await http('POST', `${cp}/v1/tenants`, ops(), {
        slug: 'mp-suspend',
        name: 'MP',
        tier: 'database',
      });
      const token = issuer.issue({ sub: 'u', tid: created.body.id, expiresInSeconds: 600 });
      for (const api of apis) expect((await http('GET', `${api}/v1/employees`, token)).status).toBe(200);
      for (const [status, code] of [
        ['suspended', 403],
        ['active', 200],
      ] as const) {
        expect((await http('PATCH', `${cp}/v1/tenants/${created.body.id}`, ops(), { status })).status).toBe(200);
        for (const api of apis) {
          await expect
            .poll(async () => (await http('GET', `${api}/v1/employees`, token)).status, {
              timeout: 1_000,
              interval: 20,
            })
            .toBe(code);
        }
      }
    },
  );
});
