import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startHarness, type Harness } from './support/harness';
import { MigrationsDir } from './support/migrations-dir';
import { waitFor } from './support/wait';

describe('migrations through the control-plane API', () => {
  let h: Harness;
  let dir: MigrationsDir;
  const ops = () => ({ Authorization: `Bearer ${h.opsToken()}` });

  beforeAll(async () => {
    dir = new MigrationsDir();
    h = await startHarness({ MIGRATIONS_DIR: dir.path });
    await h.createTenant('api-mig-schema', 'schema');
    await h.createTenant('api-mig-db', 'database');
  });
  afterAll(async () => {
    await h?.close();
    dir?.dispose();
  });

  /** The run's record once it has finished (succeeded or failed). */
  const waitForRun = (id: string) =>
    waitFor(
      async () => {
        const res = await h.cpRequest().get(`/v1/migrations/runs/${id}`).set(ops());
        return { status: res.status, body: res.body };
      },
      (res) => res.status !== 200 || res.body.status !== 'running',
      { what: `migration run ${id} to finish`, interval: 100 },
    );

  it('reports every target, starts a run (202), and shows it finish with a summary', async () => {
    dir.add('0002_api_col', 'ALTER TABLE "employees" ADD COLUMN "api_col" text;');
    const before = await h.cpRequest().get('/v1/migrations').set(ops());
    expect(before.status).toBe(200);
    expect(before.body.latest).toBe('0002_api_col');
    expect(before.body.summary.total).toMatchObject({ targets: 4, behind: 4, current: 0 });
    expect(before.body.targets.map((t: { kind: string; status: string }) => [t.kind, t.status]).sort()).toEqual([
      ['database', 'behind'],
      ['schema', 'behind'],
      ['shared', 'behind'],
      ['template', 'behind'],
    ]);

    const dry = await h.cpRequest().post('/v1/migrations/runs').set(ops()).send({ dryRun: true });
    expect(dry.status).toBe(202);
    const dryDone = await waitForRun(dry.body.id);
    expect(dryDone.body).toMatchObject({ status: 'succeeded', summary: { dryRun: true, total: { planned: 4 } } });

    const start = await h.cpRequest().post('/v1/migrations/runs').set(ops()).send({ concurrency: 2, canary: 1 });
    expect(start.status).toBe(202);
    expect(start.body).toMatchObject({ status: 'running', requestedBy: 'ops:test' });
    const done = await waitForRun(start.body.id);
    expect(done.body).toMatchObject({
      status: 'succeeded',
      progress: { done: 4, total: 4 },
      summary: { total: { applied: 4, failed: 0 } },
    });
    expect(done.body.results).toHaveLength(4);

    const after = await h.cpRequest().get('/v1/migrations?status=current').set(ops());
    expect(after.body.summary.total).toMatchObject({ current: 4, behind: 0 });
    const listed = await h.cpRequest().get('/v1/migrations/runs').set(ops());
    expect(listed.body.items.map((r: { id: string }) => r.id)).toEqual(
      expect.arrayContaining([start.body.id, dry.body.id]),
    );
  });

  it('refuses bad run requests with problem+json', async () => {
    for (const body of [
      { tiers: ['nope'] },
      { concurrency: 0 },
      { canary: -1 },
      { dryRun: 'yes' },
      { tenants: ["x'; drop"] },
      { extra: 1 },
    ]) {
      const res = await h.cpRequest().post('/v1/migrations/runs').set(ops()).send(body);
      expect(res.status).toBe(400);
      expect(res.headers['content-type']).toMatch(/problem\+json/);
    }
    expect((await h.cpRequest().get('/v1/migrations/runs/not-a-uuid').set(ops())).status).toBe(400);
    expect((await h.cpRequest().get(`/v1/migrations/runs/${crypto.randomUUID()}`).set(ops())).status).toBe(404);
    expect((await h.cpRequest().post('/v1/migrations/runs').send({})).status).toBe(401);
  });
});
