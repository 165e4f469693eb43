import type { IncomingMessage } from 'node:http';
import type { Response } from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ConsoleSessions, type TenantRecord } from '@switchyard/control-plane';
import { MoveRunner, MovesService } from '@switchyard/moves';
import { startHarness } from './support/harness';

/** The cookie a sign-in set, as a browser would send it back. */
function cookieOf(response: { headers: Record<string, unknown> }): string {
  const setCookie = ([] as string[]).concat((response.headers['set-cookie'] as string[] | undefined) ?? []);
  const first = setCookie[0] ?? '';
  return first.split(';')[0]!;
}

async function setup() {
  const h = await startHarness({ ADVISOR_SHARED_LIMITS: 'rows=3' });
  const sessions = h.controlPlane.get(ConsoleSessions);
  /** Signs in with a fresh one-time code; gives the cookie and the CSRF token. */
  const signIn = async (operator = 'cli:console-test') => {
    const { code } = await sessions.issueCode(operator);
    const response = await h.cpRequest().post('/v1/console/session').send({ code }).expect(200);
    return { cookie: cookieOf(response), csrf: response.body.csrfToken as string, response, code };
  };
  return { h, signIn };
}

describe('console sessions', () => {
  let ctx: Awaited<ReturnType<typeof setup>>;
  let tenant: TenantRecord;
  beforeAll(async () => {
    ctx = await setup();
    tenant = await ctx.h.createTenant('console-acme', 'shared');
  });
  afterAll(() => ctx?.h.close());

  it('turns a one-time code into an HttpOnly, SameSite=Strict session that the API accepts', async () => {
    const { h, signIn } = ctx;
    const { response, cookie, code } = await signIn();
    const setCookie = String(response.headers['set-cookie']);
    expect(setCookie).toMatch(/HttpOnly/i);
    expect(setCookie).toMatch(/SameSite=Strict/i);
    expect(response.body).toMatchObject({ operator: 'cli:console-test', csrfToken: expect.any(String) });

    expect((await h.cpRequest().get('/v1/tenants').set('Cookie', cookie)).status).toBe(200);
    const again = await h.cpRequest().post('/v1/console/session').send({ code });
    expect(again.status).toBe(401);
    expect(again.body.detail).toMatch(/already used or has expired/);
  });

  it('refuses API calls without a session, and a session after sign-out', async () => {
    const { h, signIn } = ctx;
    expect((await h.cpRequest().get('/v1/tenants')).status).toBe(401);
    expect((await h.cpRequest().get('/v1/tenants').set('Cookie', 'switchyard_console=forged')).status).toBe(401);

    const { cookie, csrf } = await signIn();
    await h.cpRequest().delete('/v1/console/session').set('Cookie', cookie).set('X-CSRF-Token', csrf).expect(204);
    expect((await h.cpRequest().get('/v1/tenants').set('Cookie', cookie)).status).toBe(401);
    expect((await h.cpRequest().get('/v1/console/session').set('Cookie', cookie)).status).toBe(401);
  });

  it('refuses a state-changing call without the CSRF token or from another origin, and changes nothing', async () => {
    const { h, signIn } = ctx;
    const { cookie, csrf } = await signIn();
    const suspend = () => h.cpRequest().patch(`/v1/tenants/${tenant.slug}`).set('Cookie', cookie);

    expect((await suspend().send({ status: 'suspended' })).status).toBe(403);
    expect((await suspend().set('X-CSRF-Token', 'x'.repeat(43)).send({ status: 'suspended' })).status).toBe(403);
    const crossSite = await suspend()
      .set('X-CSRF-Token', csrf)
      .set('Sec-Fetch-Site', 'cross-site')
      .send({ status: 'suspended' });
    expect(crossSite.status).toBe(403);
    expect(crossSite.body.detail).toBe('Cross-site request refused');
    const otherOrigin = await suspend()
      .set('X-CSRF-Token', csrf)
      .set('Origin', 'http://evil.example')
      .send({ status: 'suspended' });
    expect(otherOrigin.status).toBe(403);
    expect((await h.cpRequest().get(`/v1/tenants/${tenant.slug}`).set('Cookie', cookie)).body.status).toBe('active');

    // Behind a proxy that ends TLS the browser's Origin says https: the same host is what counts.
    const proxied = suspend()
      .set('X-CSRF-Token', csrf)
      .set('Host', 'ops.example.com')
      .set('Origin', 'https://ops.example.com');
    const done = await proxied.send({ status: 'suspended' });
    expect(done.status).toBe(200);
    expect(done.body.status).toBe('suspended');
    await suspend().set('X-CSRF-Token', csrf).send({ status: 'active' }).expect(200);
  });

  it('records sign-in, sign-out and every action under the operator', async () => {
    const { h, signIn } = ctx;
    const { cookie, csrf } = await signIn('cli:auditor');
    await h
      .cpRequest()
      .patch(`/v1/tenants/${tenant.slug}`)
      .set('Cookie', cookie)
      .set('X-CSRF-Token', csrf)
      .send({ status: 'suspended' })
      .expect(200);
    await h.cpRequest().delete('/v1/console/session').set('Cookie', cookie).set('X-CSRF-Token', csrf).expect(204);

    const ops = { Authorization: `Bearer ${h.opsToken()}` };
    const trail = (await h.cpRequest().get('/v1/audit?actor=cli:auditor').set(ops).expect(200)).body.items;
    expect(trail.map((e: { action: string }) => e.action)).toEqual([
      'console.sign-out',
      'tenant.suspend',
      'console.sign-in',
    ]);
    await h.cpRequest().patch(`/v1/tenants/${tenant.slug}`).set(ops).send({ status: 'active' }).expect(200);
  });

  it('signs in with an ops token, and refuses a tenant token', async () => {
    const { h } = ctx;
    const ok = await h.cpRequest().post('/v1/console/session').send({ token: h.opsToken() }).expect(200);
    expect(ok.body.operator).toBe('ops:test');
    const tenantToken = h.tokenFor(tenant.id);
    expect((await h.cpRequest().post('/v1/console/session').send({ token: tenantToken })).status).toBe(403);
    expect((await h.cpRequest().post('/v1/console/session').send({ token: 'nonsense' })).status).toBe(401);
  });
});

describe('console data', () => {
  let ctx: Awaited<ReturnType<typeof setup>>;
  const ops = () => ({ Authorization: `Bearer ${ctx.h.opsToken()}` });
  beforeAll(async () => {
    ctx = await setup();
    for (const [slug, tier] of [
      ['data-alpha', 'shared'],
      ['data-bravo', 'schema'],
      ['data-charlie', 'shared'],
    ] as const)
      await ctx.h.createTenant(slug, tier);
  });
  afterAll(() => ctx?.h.close());

  it('pages, sorts and filters tenants on the server, with the total', async () => {
    const { h } = ctx;
    const page = await h.cpRequest().get('/v1/tenants?sort=slug&order=desc&limit=2&offset=1').set(ops()).expect(200);
    expect(page.body.total).toBe(3);
    expect(page.body.items.map((t: { slug: string }) => t.slug)).toEqual(['data-bravo', 'data-alpha']);
    const shared = await h.cpRequest().get('/v1/tenants?tier=shared&server=primary&q=char').set(ops()).expect(200);
    expect(shared.body).toMatchObject({ total: 1, items: [{ slug: 'data-charlie' }] });
    expect((await h.cpRequest().get('/v1/tenants?sort=nope').set(ops())).status).toBe(400);
  });

  it('streams a move’s progress until it is done, and estimates the next one from it', async () => {
    const { h } = ctx;
    const auth = {
      Authorization: `Bearer ${h.tokenFor((await h.cpRequest().get('/v1/tenants/data-alpha').set(ops())).body.id)}`,
    };
    for (const n of [1, 2, 3, 4])
      await h
        .apiRequest()
        .post('/v1/employees')
        .set(auth)
        .send({ email: `e${n}@alpha.io`, fullName: 'E' })
        .expect(201);

    const before = await h.cpRequest().get('/v1/tenants/data-alpha/moves/estimate?tier=schema').set(ops()).expect(200);
    expect(before.body).toMatchObject({ rows: 4, expectedSeconds: null, basis: { moves: 0 } });
    expect(before.body.bytes).toBeGreaterThan(0);

    const move = await h.controlPlane.get(MovesService).request('data-alpha', { tier: 'schema' });
    const [stream, done] = await Promise.all([
      h.cpRequest().get(`/v1/moves/${move.id}/events`).set(ops()).buffer(true).parse(textBody),
      h.controlPlane.get(MoveRunner).execute(move.id),
    ]);
    expect(done.state).toBe('done');
    expect(stream.headers['content-type']).toMatch(/^text\/event-stream/);
    const events = parseEvents(stream.body as string);
    expect(events.at(-1)).toEqual({ event: 'end', data: {} });
    const moves = events.filter((e) => e.event === 'move').map((e) => e.data as { state: string });
    expect(moves.at(-1)?.state).toBe('done');
    // The result carries what the cutover compared on both sides.
    const result = (await h.cpRequest().get(`/v1/moves/${move.id}`).set(ops()).expect(200)).body;
    expect(result.verification.tables).toContainEqual(
      expect.objectContaining({ table: 'employees', rows: 4, checksum: expect.any(String) }),
    );
    expect(result.verification.rowsRecheckedInFreeze).toBeGreaterThanOrEqual(0);

    const after = await h.cpRequest().get('/v1/tenants/data-alpha/moves/estimate?tier=database').set(ops()).expect(200);
    expect(after.body.basis.moves).toBe(1);
    expect(after.body.expectedSeconds).toBeGreaterThan(0);
    expect((await h.cpRequest().get(`/v1/moves/00000000-0000-4000-8000-000000000000/events`).set(ops())).status).toBe(
      404,
    );
  });

  it('ranks upgrade candidates over their tier’s limits, each with the move that fixes it', async () => {
    const { h } = ctx;
    const auth = {
      Authorization: `Bearer ${h.tokenFor((await h.cpRequest().get('/v1/tenants/data-charlie').set(ops())).body.id)}`,
    };
    for (const n of [1, 2, 3, 4, 5])
      await h
        .apiRequest()
        .post('/v1/employees')
        .set(auth)
        .send({ email: `c${n}@charlie.io`, fullName: 'C' })
        .expect(201);

    const report = (await h.cpRequest().get('/v1/advisor/candidates').set(ops()).expect(200)).body;
    expect(report.limits.shared.rows).toBe(3);
    expect(report.items).toEqual([
      expect.objectContaining({
        slug: 'data-charlie',
        tier: 'shared',
        rows: 5,
        reasons: ['rows 5 > 3'],
        suggestion: { tier: 'schema', server: null },
      }),
    ]);
  });

  it('streams a migration run to its end, with each wave’s progress', async () => {
    const { h } = ctx;
    const run = await h
      .cpRequest()
      .post('/v1/migrations/runs')
      .set(ops())
      .send({ dryRun: true, canary: 1 })
      .expect(202);
    const stream = await h
      .cpRequest()
      .get(`/v1/migrations/runs/${run.body.id}/events`)
      .set(ops())
      .buffer(true)
      .parse(textBody);
    const runs = parseEvents(stream.body as string).filter((e) => e.event === 'run');
    const last = runs.at(-1)?.data as { status: string; waves: { wave: string; done: number; total: number }[] };
    expect(last.status).toBe('succeeded');
    expect(last.waves.map((w) => w.wave)).toEqual(['shared', 'canary', 'rest']);
    expect(last.waves.map((w) => w.total)).toEqual([2, 1, 1]);
    expect(last.waves.every((w) => w.done === w.total)).toBe(true);
  });

  it('gives the fleet at a glance and filters the audit trail by time', async () => {
    const { h } = ctx;
    const overview = (await h.cpRequest().get('/v1/overview').set(ops()).expect(200)).body;
    expect(overview.tenants).toMatchObject({ total: 3, byStatus: { active: 3 } });
    expect(overview.tenants.byTier.shared + overview.tenants.byTier.schema).toBe(3);
    expect(overview.servers[0]).toMatchObject({ name: 'primary' });
    expect(overview.migrations.summary.total.targets).toBeGreaterThan(0);
    expect(overview.moves.running).toEqual([]);
    expect(overview.doctor).toMatchObject({ ok: expect.any(Boolean), errors: expect.any(Number) });

    const future = new Date(Date.now() + 3_600_000).toISOString();
    const none = await h
      .cpRequest()
      .get(`/v1/audit?since=${encodeURIComponent(future)}`)
      .set(ops())
      .expect(200);
    expect(none.body.items).toEqual([]);
    const until = await h
      .cpRequest()
      .get(`/v1/audit?until=${encodeURIComponent(future)}`)
      .set(ops())
      .expect(200);
    expect(until.body.items.length).toBeGreaterThan(0);
  });
});

/** Collects a streamed body as text (supertest only buffers the types it knows). */
function textBody(res: Response, done: (error: Error | null, body: string) => void): void {
  // A parser is handed the response stream itself; supertest's type says otherwise.
  const stream = res as unknown as IncomingMessage;
  let text = '';
  stream.setEncoding('utf8');
  stream.on('data', (chunk: string) => (text += chunk));
  stream.on('end', () => done(null, text));
}

function parseEvents(text: string): { event: string; data: unknown }[] {
  return text
    .split('\n\n')
    .map((block) => {
      const event = /^event: (.*)$/m.exec(block)?.[1];
      const data = /^data: (.*)$/m.exec(block)?.[1];
      return event && data ? { event, data: JSON.parse(data) as unknown } : undefined;
    })
    .filter((e): e is { event: string; data: unknown } => e !== undefined);
}
