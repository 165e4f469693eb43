import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cliEnv, runCli } from './support/cli';
import { startHarness, type Harness } from './support/harness';

describe('the audit trail', () => {
  let h: Harness;
  const ops = () => ({ Authorization: `Bearer ${h.opsToken()}` });

  beforeAll(async () => {
    h = await startHarness();
  });
  afterAll(() => h?.close());

  it('records create, suspend, resume, delete and migration runs with actor, time, target and outcome', async () => {
    const created = await h.cpRequest().post('/v1/tenants').set(ops()).send({ slug: 'audited', name: 'Audited', tier: 'schema' });
    expect(created.status).toBe(201);
    const id = created.body.id as string;
    await h.cpRequest().patch(`/v1/tenants/${id}`).set(ops()).send({ status: 'suspended' });
    await h.cpRequest().patch('/v1/tenants/audited').set(ops()).send({ status: 'active' });
    const conflict = await h.cpRequest().post('/v1/tenants').set(ops()).send({ slug: 'audited', name: 'Again', tier: 'schema' });
    expect(conflict.status).toBe(409);
    const run = await h.cpRequest().post('/v1/migrations/runs').set(ops()).send({ dryRun: true });
    await h.cpRequest().delete(`/v1/tenants/${id}`).set(ops());

    const res = await h.cpRequest().get('/v1/audit?limit=20').set(ops());
    expect(res.status).toBe(200);
    const trail = (res.body.items as { action: string; target: string; outcome: string; actor: string; at: string; details?: { code?: string } }[]).reverse();
    expect(trail.map((e) => [e.action, e.outcome])).toEqual([
      ['tenant.create', 'succeeded'],
      ['tenant.suspend', 'succeeded'],
      ['tenant.resume', 'succeeded'],
      ['tenant.create', 'failed'],
      ['migration.run', 'succeeded'],
      ['tenant.delete', 'succeeded'],
    ]);
    expect(trail.every((e) => e.actor === 'ops:test' && !Number.isNaN(Date.parse(e.at)))).toBe(true);
    expect(trail[0].target).toBe(id);
    expect(trail[3].details?.code).toBe('TENANT_EXISTS');
    expect(trail[4].target).toBe(run.body.id);

    const filtered = await h.cpRequest().get('/v1/audit?action=tenant.suspend').set(ops());
    expect(filtered.body.items).toHaveLength(1);
    const page = await h.cpRequest().get('/v1/audit?limit=2').set(ops());
    const next = await h.cpRequest().get(`/v1/audit?limit=2&cursor=${page.body.nextCursor}`).set(ops());
    expect(next.body.items[0].id).toBeLessThan(page.body.items[1].id);
  });

  it('records CLI actions with the OS user as actor', async () => {
    const result = await runCli(['tenants', 'create', 'audited-cli', '--name', 'Via CLI', '--tier', 'shared'], cliEnv(h.config));
    expect(result.code).toBe(0);
    const rows = await h.ownerQuery(h.config.names.controlDatabase, "SELECT actor, outcome FROM audit_log WHERE action = 'tenant.create' ORDER BY id DESC LIMIT 1");
    expect(rows[0]).toMatchObject({ outcome: 'succeeded' });
    expect(String(rows[0].actor)).toMatch(/^cli:/);
  });

  it('is append-only, for the owner too', async () => {
    const db = h.config.names.controlDatabase;
    await expect(h.ownerQuery(db, "UPDATE audit_log SET outcome = 'failed'")).rejects.toThrow(/append-only/);
    await expect(h.ownerQuery(db, 'DELETE FROM audit_log')).rejects.toThrow(/append-only/);
    await expect(h.ownerQuery(db, 'TRUNCATE audit_log')).rejects.toThrow(/append-only/);
    expect((await h.ownerQuery(db, 'SELECT count(*)::int AS n FROM audit_log'))[0].n).toBeGreaterThan(0);
  });

  it('refuses bad queries and non-ops tokens', async () => {
    for (const q of ['limit=0', 'limit=abc', 'cursor=-1', "action=x'; drop", 'cursor=99999999999999999999']) {
      expect((await h.cpRequest().get(`/v1/audit?${q}`).set(ops())).status).toBe(400);
    }
    const tenant = await h.createTenant('audit-reader', 'shared');
    expect((await h.cpRequest().get('/v1/audit').set({ Authorization: `Bearer ${h.tokenFor(tenant.id)}` })).status).toBe(403);
  });
});
