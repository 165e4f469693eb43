import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { TokenIssuer } from '@switchyard/auth';
import type { SwitchyardConfig } from '@switchyard/config';
import type { Tier } from '@switchyard/control-plane';
import { quoteIdent, withDatabase, withOwnerClient } from '@switchyard/postgres';
import { dropTestInstallation, freePort, testConfig } from '@switchyard/testing';
import { cliEnv, runCli } from './support/cli';
import { ENTRY, http, startProcess, type ProductProcess } from './support/processes';

/**
 * What a user sees with `npm start` running (no Redis) while a second terminal moves a tenant with the
 * CLI: every read through the running API, at once and ever after, sees every acknowledged write — with
 * the old data removed at once or kept for a while (MOVE_RETENTION_MS). The API process hears of the
 * change only through PostgreSQL (LISTEN/NOTIFY), and is fenced off the old location by the database.
 */
describe('moves and suspensions made by another process', () => {
  let config: SwitchyardConfig;
  let env: NodeJS.ProcessEnv;
  let dev: ProductProcess;
  let api: string;
  let cp: string;
  let issuer: TokenIssuer;

  beforeAll(async () => {
    config = testConfig(inject('databaseUrl'), inject('runId'));
    const [apiPort, cpPort] = await Promise.all([freePort(), freePort()]);
    api = `http://127.0.0.1:${apiPort}`;
    cp = `http://127.0.0.1:${cpPort}`;
    // A cache that would keep a stale placement for an hour: only invalidation and fences keep it right.
    env = cliEnv(config, {
      API_PORT: String(apiPort),
      CONTROL_PLANE_PORT: String(cpPort),
      PLACEMENT_CACHE_TTL_MS: '3600000',
    });
    dev = await startProcess(ENTRY.cli, ['dev', '--no-seed'], env, `${api}/health/live`);
    issuer = new TokenIssuer(config);
  });
  afterAll(async () => {
    await dev?.stop();
    if (config) await dropTestInstallation(config);
  });

  const opsToken = () => issuer.issue({ sub: 'ops:test', roles: ['ops'], expiresInSeconds: 600 });

  async function createTenant(slug: string, tier: Tier): Promise<{ id: string; token: string }> {
    const res = await http('POST', `${cp}/v1/tenants`, opsToken(), { slug, name: slug, tier });
    expect(res.status).toBe(201);
    return { id: res.body.id, token: issuer.issue({ sub: 'user', tid: res.body.id, expiresInSeconds: 600 }) };
  }

  async function listAll(token: string): Promise<Set<string> | undefined> {
    const ids = new Set<string>();
    let cursor: string | null = null;
    do {
      const res = await http('GET', `${api}/v1/employees?limit=100${cursor ? `&cursor=${cursor}` : ''}`, token);
      if (res.status !== 200) return undefined;
      for (const e of res.body.items as { id: string }[]) ids.add(e.id);
      cursor = res.body.nextCursor;
    } while (cursor);
    return ids;
  }

  /**
   * One employee written straight into the tenant's current location, as another API instance would;
   * `written` holds its id from before the INSERT, so a read that sees it early is not taken for a leak.
   */
  async function writeAtPlacement(tenantId: string, written: Set<string>): Promise<string> {
    const control = withDatabase(config.databaseUrl, config.names.controlDatabase);
    const [at] = (
      await withOwnerClient(control, (c) =>
        c.query('SELECT database, schema FROM placements WHERE tenant_id = $1', [tenantId]),
      )
    ).rows;
    const id = randomUUID();
    written.add(id);
    await withOwnerClient(withDatabase(config.databaseUrl, at.database), (c) =>
      c.query(
        `INSERT INTO ${quoteIdent(at.schema)}.employees (tenant_id, id, email, full_name) VALUES ($1, $2, $3, 'Elsewhere')`,
        [tenantId, id, `elsewhere-${id}@x.io`],
      ),
    );
    return id;
  }

  async function write(token: string, count: number, acknowledged: Set<string>): Promise<void> {
    for (let i = 0; i < count; i++) {
      const created = await http('POST', `${api}/v1/employees`, token, {
        email: `w${acknowledged.size}-${i}@x.io`,
        fullName: 'Writer',
      });
      expect(created.status).toBe(201);
      acknowledged.add(created.body.id);
    }
  }

  /**
   * Reads every employee over and over — reads only: a write meeting the old location's write fence would
   * refresh the router's placement and hide a stale read — and checks each read holds exactly the rows
   * acknowledged before.
   */
  function startReader(token: string, acknowledged: ReadonlySet<string>, written: ReadonlySet<string>) {
    const problems: string[] = [];
    const counts = { rounds: 0, unavailable: 0 };
    let running = true;
    const loop = (async () => {
      while (running) {
        const expected = new Set(acknowledged); // acknowledged before this read began
        const listed = await listAll(token);
        if (!listed) counts.unavailable++;
        else {
          const missing = [...expected].filter((id) => !listed.has(id));
          const unknown = [...listed].filter((id) => !acknowledged.has(id) && !written.has(id));
          if (missing.length || unknown.length) {
            problems.push(
              `round ${counts.rounds}: read ${listed.size} rows, ${missing.length} of ${expected.size} acknowledged missing`,
            );
          }
        }
        counts.rounds++;
      }
    })();
    return {
      roundsSoFar: () => counts.rounds,
      stop: async () => {
        running = false;
        await loop;
        return { problems, ...counts };
      },
    };
  }

  const cycle: Tier[] = ['schema', 'database', 'shared', 'database', 'schema', 'shared'];

  it.each([
    ['old data removed at once', '0'],
    ['old data kept (MOVE_RETENTION_MS)', '3600000'],
  ])(
    'moves from the CLI in every direction; every read through the running API sees every row (%s)',
    async (_label, retention) => {
      const tenant = await createTenant(`xp-${retention === '0' ? 'now' : 'kept'}`, 'shared');
      const acknowledged = new Set<string>();
      const written = new Set<string>();
      const problems: string[] = [];
      for (const tier of cycle) {
        await write(tenant.token, 5, acknowledged);
        const reader = startReader(tenant.token, acknowledged, written);
        await expect.poll(() => reader.roundsSoFar()).toBeGreaterThan(2); // the API has the placement cached
        const moved = await runCli(
          ['tenants', 'move', tenant.id, '--to', tier, '--wait', '--json'],
          { ...env, MOVE_RETENTION_MS: retention },
          120_000,
        );
        expect(moved.code, moved.stderr).toBe(0);
        expect(JSON.parse(moved.stdout)).toMatchObject({ state: 'done', to: { tier } });
        // Another instance writes at the new location: a read answered from retained old data would miss it.
        acknowledged.add(await writeAtPlacement(tenant.id, written));
        // Reads right after the flip are the ones a stale placement would answer.
        const after = reader.roundsSoFar();
        await expect.poll(() => reader.roundsSoFar()).toBeGreaterThan(after + 10);
        problems.push(...(await reader.stop()).problems.map((p) => `→ ${tier}: ${p}`));
      }
      expect(problems).toEqual([]);
      expect(acknowledged.size).toBe(6 * cycle.length);
      expect(dev.child.exitCode).toBeNull();
    },
  );

  it('a suspension and a resumption made by the CLI are enforced by the running API within a second', async () => {
    const tenant = await createTenant('xp-suspend', 'schema');
    expect((await http('GET', `${api}/v1/employees`, tenant.token)).status).toBe(200); // the placement is now cached
    const suspended = await runCli(['tenants', 'suspend', tenant.id], env);
    expect(suspended.code, suspended.stderr).toBe(0);
    await expect
      .poll(async () => (await http('GET', `${api}/v1/employees`, tenant.token)).status, {
        timeout: 1_000,
        interval: 20,
      })
      .toBe(403);
    const resumed = await runCli(['tenants', 'resume', tenant.id], env);
    expect(resumed.code, resumed.stderr).toBe(0);
    await expect
      .poll(async () => (await http('GET', `${api}/v1/employees`, tenant.token)).status, {
        timeout: 1_000,
        interval: 20,
      })
      .toBe(200);
  });
});
