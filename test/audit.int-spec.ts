import { Logger } from '@nestjs/common';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { TokenIssuer } from '@switchyard/auth';
import { TenantsRepository } from '@switchyard/control-plane';
import { cliEnv, runCli } from './support/cli';
import { at, first } from './support/elements';
import { startHarness, type Harness } from './support/harness';
import { waitForMove } from './support/moves';

interface AuditItem {
  id: number;
  action: string;
  actor: string;
  at: string;
  target: string | null;
  targetSlug: string | null;
  outcome: string;
  details?: Record<string, unknown> & { code?: string };
}

const FAILING_ACTOR = 'ops:audit-fails';

describe('the audit trail', () => {
  let h: Harness;
  const auth = (token: string) => ({ Authorization: `Bearer ${token}` });
  const ops = () => auth(h.opsToken());
  const opsAs = (sub: string) =>
    auth(h.controlPlane.get(TokenIssuer).issue({ sub, roles: ['ops'], expiresInSeconds: 600 }));
  const cp = () => h.config.names.controlDatabase;
  const tenantBySlug = (slug: string) => h.controlPlane.get(TenantsRepository).findBySlug(slug);

  /** The trail about one target (tenant id or slug, run id), oldest first. */
  async function trailOf(target: string): Promise<AuditItem[]> {
    const res = await h
      .cpRequest()
      .get(`/v1/audit?limit=100&target=${encodeURIComponent(target)}`)
      .set(ops());
    return (res.body.items as AuditItem[]).reverse();
  }

  beforeAll(async () => {
    // Each move phase lasts at least 300 ms, so a cancel reliably lands before the cutover.
    h = await startHarness({ MOVE_PHASE_DELAY_MS: '300' });
  });
  afterAll(() => h?.close());

  it('records create, suspend, resume, delete and migration runs with actor, time, target and outcome', async () => {
    const created = await h
      .cpRequest()
      .post('/v1/tenants')
      .set(ops())
      .send({ slug: 'audited', name: 'Audited', tier: 'schema' });
    expect(created.status).toBe(201);
    const id = created.body.id as string;
    await h.cpRequest().patch(`/v1/tenants/${id}`).set(ops()).send({ status: 'suspended' });
    await h.cpRequest().patch('/v1/tenants/audited').set(ops()).send({ status: 'active' });
    const conflict = await h
      .cpRequest()
      .post('/v1/tenants')
      .set(ops())
      .send({ slug: 'audited', name: 'Again', tier: 'schema' });
    expect(conflict.status).toBe(409);
    const run = await h.cpRequest().post('/v1/migrations/runs').set(ops()).send({ dryRun: true });
    await h.cpRequest().delete(`/v1/tenants/${id}`).set(ops());

    // This test's records: about its tenant, and about its run (other tests write records too).
    const trail = [...(await trailOf(id)), ...(await trailOf(run.body.id))].sort((x, y) => x.id - y.id);
    expect(trail.map((e) => [e.action, e.outcome])).toEqual([
      ['tenant.create', 'succeeded'],
      ['tenant.suspend', 'succeeded'],
      ['tenant.resume', 'succeeded'],
      ['tenant.create', 'failed'],
      ['migration.run', 'succeeded'],
      ['tenant.delete', 'succeeded'],
    ]);
    expect(trail.every((e) => e.actor === 'ops:test' && !Number.isNaN(Date.parse(e.at)))).toBe(true);
    // A tenant action names the tenant by id and slug, whether it was asked for by id or by slug.
    for (const i of [0, 1, 2, 3, 5]) expect(trail[i]).toMatchObject({ target: id, targetSlug: 'audited' });
    expect(at(trail, 3, 'audit record').details?.code).toBe('TENANT_EXISTS');
    expect(trail[4]).toMatchObject({ target: run.body.id, targetSlug: null });
    expect((await trailOf('audited')).map((e) => e.id)).toEqual((await trailOf(id)).map((e) => e.id));
    expect(await trailOf('audited')).toHaveLength(5);

    const filtered = await h.cpRequest().get(`/v1/audit?action=tenant.suspend&target=${id}`).set(ops());
    expect(filtered.body.items).toHaveLength(1);
    const page = await h.cpRequest().get('/v1/audit?limit=2').set(ops());
    const next = await h.cpRequest().get(`/v1/audit?limit=2&cursor=${page.body.nextCursor}`).set(ops());
    expect(next.body.items[0].id).toBeLessThan(page.body.items[1].id);
  });

  it('records CLI actions with the OS user as actor', async () => {
    const result = await runCli(
      ['tenants', 'create', 'audited-cli', '--name', 'Via CLI', '--tier', 'shared'],
      cliEnv(h.config),
    );
    expect(result.code).toBe(0);
    const creation = first(await trailOf('audited-cli'), 'audit record of the creation');
    expect(creation).toMatchObject({ action: 'tenant.create', outcome: 'succeeded' });
    const actor = creation.actor;
    expect(actor).toMatch(/^cli:/);

    expect((await runCli(['tenants', 'suspend', 'audited-cli'], cliEnv(h.config))).code).toBe(0);
    expect((await runCli(['tenants', 'suspend', 'no-such-tenant'], cliEnv(h.config))).code).not.toBe(0);
    const tenant = (await tenantBySlug('audited-cli'))!;
    const trail = await trailOf('audited-cli');
    expect(trail.map((e) => [e.action, e.outcome, e.actor, e.target, e.targetSlug])).toEqual([
      ['tenant.create', 'succeeded', actor, tenant.id, 'audited-cli'],
      ['tenant.suspend', 'succeeded', actor, tenant.id, 'audited-cli'],
    ]);
    expect(await trailOf('no-such-tenant')).toMatchObject([
      { action: 'tenant.suspend', outcome: 'failed', actor, target: null, details: { code: 'TENANT_NOT_FOUND' } },
    ]);
  });

  it('refuses an action whose record cannot be written: the effect rolls back, the caller gets the error', async () => {
    const tenant = await h.createTenant('audit-fails', 'schema');
    // A record that cannot be written, provoked in the database itself: inserts by one actor raise.
    await h.ownerQuery(
      cp(),
      `CREATE FUNCTION test_refuse_audit() RETURNS trigger LANGUAGE plpgsql AS $$
       BEGIN
         IF NEW.actor = '${FAILING_ACTOR}' THEN RAISE EXCEPTION 'audit_log refuses this actor (test)'; END IF;
         RETURN NEW;
       END $$`,
    );
    await h.ownerQuery(
      cp(),
      'CREATE TRIGGER test_refuse_audit BEFORE INSERT ON audit_log FOR EACH ROW EXECUTE FUNCTION test_refuse_audit()',
    );
    const unborn = { slug: 'audit-unborn', name: 'Unborn', tier: 'shared' };
    const logged = vi.spyOn(Logger.prototype, 'error');
    try {
      const failing = opsAs(FAILING_ACTOR);
      const status = async () =>
        (await h.ownerQuery(cp(), 'SELECT status FROM tenants WHERE id = $1', [tenant.id]))[0]?.status;

      const suspend = await h.cpRequest().patch(`/v1/tenants/${tenant.id}`).set(failing).send({ status: 'suspended' });
      expect(suspend.status).toBe(500);
      expect(await status()).toBe('active');

      const move = await h.cpRequest().post(`/v1/tenants/${tenant.slug}/moves`).set(failing).send({ tier: 'database' });
      expect(move.status).toBe(500);
      expect(await h.ownerQuery(cp(), 'SELECT id FROM moves WHERE tenant_id = $1', [tenant.id])).toHaveLength(0);

      expect((await h.cpRequest().delete(`/v1/tenants/${tenant.slug}`).set(failing)).status).toBe(500);
      expect(await status()).toBeDefined();

      expect((await h.cpRequest().post('/v1/migrations/runs').set(failing).send({ dryRun: true })).status).toBe(500);
      const runs = await h.ownerQuery(cp(), 'SELECT id FROM migration_runs WHERE requested_by = $1', [FAILING_ACTOR]);
      expect(runs).toHaveLength(0);

      // A tenant never becomes active unaudited: its provisioning stops short of it…
      expect((await h.cpRequest().post('/v1/tenants').set(failing).send(unborn)).status).toBe(500);
      expect((await tenantBySlug('audit-unborn'))?.status).toBe('provisioning');
      // The refusals could not be recorded either: that is logged, not swallowed.
      expect(logged.mock.calls.some(([message]) => String(message).includes('could not be recorded'))).toBe(true);
      expect(await h.ownerQuery(cp(), 'SELECT id FROM audit_log WHERE actor = $1', [FAILING_ACTOR])).toHaveLength(0);
    } finally {
      logged.mockRestore();
      await h.ownerQuery(cp(), 'DROP TRIGGER test_refuse_audit ON audit_log');
      await h.ownerQuery(cp(), 'DROP FUNCTION test_refuse_audit()');
    }

    // …and is recorded when a resumed provisioning completes it.
    const resumed = await h.cpRequest().post('/v1/tenants').set(ops()).send(unborn);
    expect(resumed.status).toBe(200);
    expect((await trailOf('audit-unborn')).map((e) => [e.action, e.outcome, e.actor, e.target])).toEqual([
      ['tenant.create', 'succeeded', 'ops:test', resumed.body.id],
    ]);
  });

  it('records any token subject, escaped and bounded: an actor string cannot make the record fail', async () => {
    const tenant = await h.createTenant('audit-odd-actor', 'shared');
    // As long as a token's sub may be (256); escaped, it is longer, and is cut back to 256.
    const sub = `ops:\u0000"odd"\n\u001b[31m${'x'.repeat(240)}`;
    const res = await h.cpRequest().patch(`/v1/tenants/${tenant.id}`).set(opsAs(sub)).send({ name: 'Odd Actor' });
    expect(res.status).toBe(200);
    const edit = at(await trailOf(tenant.id), 1, 'audit record of the edit');
    expect(edit).toMatchObject({ action: 'tenant.update', outcome: 'succeeded', target: tenant.id });
    expect(edit.details).toEqual({ changes: { name: 'Odd Actor' } });
    expect(edit.actor.startsWith('ops:\\u0000"odd"\\u000a\\u001b[31mxxx')).toBe(true);
    expect(edit.actor).toHaveLength(256);
  });

  it('records a move when accepted and when it ends, with the tenant id as target and its slug', async () => {
    const tenant = await h.createTenant('audit-mover', 'shared');
    const start = await h.cpRequest().post(`/v1/tenants/${tenant.slug}/moves`).set(ops()).send({ tier: 'schema' });
    expect(start.status).toBe(202);
    expect(await waitForMove(h, start.body.id, 'ended')).toMatchObject({ state: 'done' });

    const trail = await trailOf(tenant.slug);
    expect(trail.map((e) => [e.action, e.outcome])).toEqual([
      ['tenant.create', 'succeeded'],
      ['tenant.move', 'succeeded'],
      ['move.finish', 'succeeded'],
    ]);
    expect(trail.every((e) => e.target === tenant.id && e.targetSlug === tenant.slug)).toBe(true);
    expect((await trailOf(tenant.id)).map((e) => e.id)).toEqual(trail.map((e) => e.id));
    const accepted = at(trail, 1, 'audit record of the request');
    const finished = at(trail, 2, 'audit record of the end');
    expect(accepted).toMatchObject({ actor: 'ops:test', details: { moveId: start.body.id, to: { tier: 'schema' } } });
    expect(finished).toMatchObject({
      actor: 'ops:test',
      details: {
        moveId: start.body.id,
        state: 'done',
        error: null,
        from: { tier: 'shared', ...tenant.placement },
        to: { tier: 'schema', server: 'primary' },
      },
    });
    expect(finished.details?.freezeMs).toBeGreaterThanOrEqual(0);

    // Refusals: one failed row each, with its code, about the same tenant.
    const again = await h.cpRequest().post(`/v1/tenants/${tenant.id}/moves`).set(ops()).send({ tier: 'schema' });
    expect(again.status).toBe(409);
    expect((await h.cpRequest().post(`/v1/moves/${start.body.id}/cancel`).set(ops())).status).toBe(409);
    const about = { outcome: 'failed', target: tenant.id, targetSlug: tenant.slug };
    expect((await trailOf(tenant.id)).slice(3)).toMatchObject([
      { action: 'tenant.move', ...about, details: { code: 'MOVE_NOT_NEEDED' } },
      { action: 'move.cancel', ...about, details: { code: 'MOVE_NOT_CANCELLABLE', moveId: start.body.id } },
    ]);
  });

  it('records a cancelled move: the cancel, and its end as failed with state cancelled', async () => {
    const tenant = await h.createTenant('audit-cancel', 'shared');
    const start = await h.cpRequest().post(`/v1/tenants/${tenant.id}/moves`).set(ops()).send({ tier: 'database' });
    expect(start.status).toBe(202);
    await waitForMove(h, start.body.id, 'copying');
    const cancel = await h.cpRequest().post(`/v1/moves/${start.body.id}/cancel`).set(opsAs('ops:canceller'));
    expect(cancel.status).toBe(202);
    expect(await waitForMove(h, start.body.id, 'ended')).toMatchObject({ state: 'cancelled' });

    const trail = await trailOf(tenant.slug);
    expect(trail.map((e) => [e.action, e.outcome, e.actor])).toEqual([
      ['tenant.create', 'succeeded', 'system'],
      ['tenant.move', 'succeeded', 'ops:test'],
      ['move.cancel', 'succeeded', 'ops:canceller'],
      // The end of a move is its requester's; cancelled, it did not do what was asked.
      ['move.finish', 'failed', 'ops:test'],
    ]);
    expect(trail.every((e) => e.target === tenant.id && e.targetSlug === tenant.slug)).toBe(true);
    expect(at(trail, 2, 'audit record of the cancel').details).toMatchObject({ moveId: start.body.id });
    expect(at(trail, 3, 'audit record of the end').details).toMatchObject({
      moveId: start.body.id,
      state: 'cancelled',
      to: { tier: 'database' },
    });
  });

  it('records a refusal of an unknown tenant by the reference as given', async () => {
    const suspend = await h.cpRequest().patch('/v1/tenants/no-such-slug').set(ops()).send({ status: 'suspended' });
    expect(suspend.status).toBe(404);
    const missing = crypto.randomUUID();
    expect((await h.cpRequest().delete(`/v1/tenants/${missing}`).set(ops())).status).toBe(404);
    const notFound = { outcome: 'failed', details: { code: 'TENANT_NOT_FOUND' } };
    expect(await trailOf('no-such-slug')).toMatchObject([
      { action: 'tenant.suspend', ...notFound, target: null, targetSlug: 'no-such-slug' },
    ]);
    expect(await trailOf(missing)).toMatchObject([
      { action: 'tenant.delete', ...notFound, target: missing, targetSlug: null },
    ]);
  });

  it('is append-only, for the owner too', async () => {
    await h.createTenant('audit-append-only', 'shared'); // a record of its own to try to change
    const db = h.config.names.controlDatabase;
    await expect(h.ownerQuery(db, "UPDATE audit_log SET outcome = 'failed'")).rejects.toThrow(/append-only/);
    await expect(h.ownerQuery(db, 'DELETE FROM audit_log')).rejects.toThrow(/append-only/);
    await expect(h.ownerQuery(db, 'TRUNCATE audit_log')).rejects.toThrow(/append-only/);
    const kept = await h.ownerQuery(db, "SELECT outcome FROM audit_log WHERE target_slug = 'audit-append-only'");
    expect(kept).toEqual([{ outcome: 'succeeded' }]);
  });

  it('refuses bad queries and non-ops tokens', async () => {
    for (const q of ['limit=0', 'limit=abc', 'cursor=-1', "action=x'; drop", 'cursor=99999999999999999999']) {
      expect((await h.cpRequest().get(`/v1/audit?${q}`).set(ops())).status).toBe(400);
    }
    const tenant = await h.createTenant('audit-reader', 'shared');
    expect(
      (
        await h
          .cpRequest()
          .get('/v1/audit')
          .set({ Authorization: `Bearer ${h.tokenFor(tenant.id)}` })
      ).status,
    ).toBe(403);
  });
});
