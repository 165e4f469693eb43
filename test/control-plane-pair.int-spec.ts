import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { TokenIssuer } from '@switchyard/auth';
import type { SwitchyardConfig } from '@switchyard/config';
import { dropTestInstallation, freePort, testConfig } from '@switchyard/testing';
import { cliEnv } from './support/cli';
import { MigrationsDir } from './support/migrations-dir';
import { ENTRY, http, startProcess, type ProductProcess } from './support/processes';
import { waitFor } from './support/wait';

interface MoveView {
  id: string;
  tenantId: string;
  state: string;
  error: string | null;
  from: { server: string };
}

/**
 * Two control-plane processes side by side, each with its move worker, on one installation: every move,
 * every migration and every drain happens once, whichever process is asked and whichever runs it.
 */
describe('two control planes', () => {
  let config: SwitchyardConfig;
  let dir: MigrationsDir;
  const processes: ProductProcess[] = [];
  let planes: [string, string];
  let issuer: TokenIssuer;
  const ops = () => issuer.issue({ sub: 'ops:test', roles: ['ops'], expiresInSeconds: 600 });

  beforeAll(async () => {
    const east = `east=${inject('secondDatabaseUrl')}`;
    config = testConfig(inject('databaseUrl'), inject('runId'), { EXTRA_SERVERS: east });
    dir = new MigrationsDir();
    const ports = [await freePort(), await freePort()];
    planes = [`http://127.0.0.1:${ports[0]}`, `http://127.0.0.1:${ports[1]}`];
    const env = cliEnv(config, { EXTRA_SERVERS: east, MIGRATIONS_DIR: dir.path, MOVE_CONCURRENCY: '3' });
    for (const [i, port] of ports.entries())
      processes.push(
        await startProcess(
          ENTRY.controlPlane,
          [],
          { ...env, CONTROL_PLANE_PORT: String(port) },
          `${planes[i]}/health/live`,
        ),
      );
    issuer = new TokenIssuer(config);
  });
  afterAll(async () => {
    await Promise.all(processes.map((p) => p.stop()));
    if (config) await dropTestInstallation(config);
    dir?.dispose();
  });

  const create = async (plane: string, body: Record<string, string>) => {
    const res = await http('POST', `${plane}/v1/tenants`, ops(), { name: body.slug, ...body });
    expect(res.status).toBe(201);
    return res.body as { id: string; slug: string };
  };

  const movesOf = async (tenantId: string): Promise<MoveView[]> =>
    (await http('GET', `${planes[0]}/v1/moves?tenant=${tenantId}`, ops())).body.items;

  const allDone = (tenantIds: string[]) =>
    waitFor(
      async () => (await Promise.all(tenantIds.map(movesOf))).flat(),
      (moves) =>
        moves.length >= tenantIds.length && moves.every((m) => ['done', 'failed', 'cancelled'].includes(m.state)),
      { what: 'every move to end', timeout: 60_000, interval: 200 },
    );

  it('runs each move once, whichever control plane accepted it', async () => {
    const tenants = [];
    for (const [i, tier] of ['shared', 'schema', 'database', 'shared', 'schema', 'database'].entries())
      tenants.push(
        await create(planes[0], {
          slug: `pair-${i}`,
          tier,
          ...(tier === 'database' ? { server: 'primary' } : { cell: 'main' }),
        }),
      );
    const next = { shared: 'schema', schema: 'database', database: 'shared' } as const;
    for (const [i, t] of tenants.entries()) {
      const tier = ['shared', 'schema', 'database', 'shared', 'schema', 'database'][i] as keyof typeof next;
      const res = await http('POST', `${planes[i % 2]}/v1/tenants/${t.id}/moves`, ops(), { tier: next[tier] });
      expect(res.status).toBe(202);
    }
    const moves = await allDone(tenants.map((t) => t.id));
    expect(moves.map((m) => `${m.state} ${m.error ?? ''}`.trim())).toEqual(tenants.map(() => 'done'));
    const finishes = (await http('GET', `${planes[1]}/v1/audit?action=move.finish&limit=100`, ops())).body.items as {
      target: string;
      details: { moveId?: string };
    }[];
    for (const t of tenants) expect(finishes.filter((e) => e.target === t.id)).toHaveLength(1);
  });

  it('applies a migration to each target once when both control planes run the fleet at once', async () => {
    dir.add('0002_pair_once', 'CREATE TABLE "pair_once" ("n" integer);');
    const started = await Promise.all(planes.map((plane) => http('POST', `${plane}/v1/migrations/runs`, ops(), {})));
    expect(started.map((r) => r.status)).toEqual([202, 202]);
    const runs = await Promise.all(
      started.map((s, i) =>
        waitFor(
          async () => (await http('GET', `${planes[i]}/v1/migrations/runs/${s.body.id}`, ops())).body,
          (run) => run.status !== 'running',
          { what: `run ${s.body.id} to finish`, timeout: 60_000, interval: 200 },
        ),
      ),
    );
    for (const run of runs) expect(run).toMatchObject({ status: 'succeeded', summary: { total: { failed: 0 } } });
    const applied = runs.flatMap((run) =>
      (run.results as { key: string; applied: string[] }[])
        .filter((r) => r.applied.includes('0002_pair_once'))
        .map((r) => r.key),
    );
    const targets = (runs[0].results as { key: string }[]).map((r) => r.key);
    expect(applied.sort()).toEqual([...targets].sort());
  });

  it('drains a server once when both control planes are asked at the same moment', async () => {
    expect((await http('POST', `${planes[0]}/v1/cells`, ops(), { name: 'east-1', server: 'east' })).status).toBe(201);
    const onEast = [
      await create(planes[0], { slug: 'east-shared', tier: 'shared', cell: 'east-1' }),
      await create(planes[1], { slug: 'east-schema', tier: 'schema', cell: 'east-1' }),
      await create(planes[0], { slug: 'east-silo', tier: 'database', server: 'east' }),
    ];
    const drains = await Promise.all(planes.map((plane) => http('POST', `${plane}/v1/servers/east/drain`, ops())));
    expect(drains.map((d) => d.status)).toEqual([202, 202]);
    const requested = drains.flatMap((d) => d.body.moves as MoveView[]);
    const skipped = drains.flatMap((d) => d.body.skipped as { tenant: string }[]);
    expect(requested.map((m) => m.tenantId).sort()).toEqual(onEast.map((t) => t.id).sort());
    expect(requested.length + skipped.length).toBe(2 * onEast.length);
    const moves = await allDone(onEast.map((t) => t.id));
    expect(moves.map((m) => `${m.from.server} ${m.state}`)).toEqual(onEast.map(() => 'east done'));
    const servers = (await http('GET', `${planes[1]}/v1/servers`, ops())).body.items as {
      name: string;
      tenants: Record<string, number>;
    }[];
    expect(servers.find((s) => s.name === 'east')?.tenants).toEqual({ shared: 0, schema: 0, database: 0 });
  });
});
