import { readFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { ConsoleSessions, type TenantRecord } from '@switchyard/control-plane';
import { CHROMIUM, expectAccessible, launchChromium, screenshot } from './support/browser';
import { startHarness, type Harness } from './support/harness';

if (!CHROMIUM && inject('ci')) throw new Error('CI=true but Chromium is not installed (apt-get install chromium)');

const OPERATOR = 'cli:browser-test';
/** Slow phases, so a person (and this test) can watch a move and cancel one before its cutover. */
const PHASE_DELAY_MS = '1000';
const shots = inject('screenshotsDir') ?? undefined;

async function setup() {
  const h = await startHarness({
    MOVE_PHASE_DELAY_MS: PHASE_DELAY_MS,
    ADVISOR_SHARED_LIMITS: 'rows=3',
    USAGE_FLUSH_MS: '200',
  });
  await h.controlPlane.listen(0);
  const port = (h.controlPlane.getHttpServer().address() as AddressInfo).port;
  // The console's origin is localhost; 127.0.0.1 is another site to the browser.
  const base = `http://localhost:${port}`;
  const browser = await launchChromium();
  const tenants = new Map<string, TenantRecord>();
  for (const [slug, tier] of [
    ['browser-acme', 'shared'],
    ['browser-globex', 'shared'],
    ['browser-initech', 'schema'],
  ] as const)
    tenants.set(slug, await h.createTenant(slug, tier));
  return { h, base, browser, tenants };
}
type Ctx = Awaited<ReturnType<typeof setup>>;

/** A fresh browser profile signed in with a one-time link, as `switchyard console` prints it. */
async function signedIn(ctx: Ctx): Promise<{ context: BrowserContext; page: Page; link: string }> {
  const { code } = await ctx.h.controlPlane.get(ConsoleSessions).issueCode(OPERATOR);
  const link = `${ctx.base}/console/sign-in#code=${code}`;
  const context = await ctx.browser.newContext({ viewport: { width: 1280, height: 860 } });
  const page = await context.newPage();
  await page.goto(link);
  await expect.poll(() => page.getByTestId('signed-in-operator').textContent()).toContain(OPERATOR);
  return { context, page, link };
}

/** Writes `count` employees through the tenant API. */
async function seed(h: Harness, tenant: TenantRecord, count: number, prefix: string): Promise<void> {
  const token = h.tokenFor(tenant.id);
  for (let n = 0; n < count; n++)
    await h
      .apiRequest()
      .post('/v1/employees')
      .set('Authorization', `Bearer ${token}`)
      .send({ email: `${prefix}${n}@${tenant.slug}.io`, fullName: `Seeded ${n}` })
      .expect(201);
}

/** Keeps writing through the tenant API until stopped; every write must succeed. */
function startWriter(h: Harness, tenant: TenantRecord) {
  const statuses: number[] = [];
  let running = true;
  const token = h.tokenFor(tenant.id);
  const loop = (async () => {
    for (let n = 0; running; n++) {
      const response = await h
        .apiRequest()
        .post('/v1/employees')
        .set('Authorization', `Bearer ${token}`)
        .send({ email: `w${n}@${tenant.slug}.io`, fullName: `Writer ${n}` });
      statuses.push(response.status);
    }
  })();
  return {
    statuses,
    stop: async () => {
      running = false;
      await loop;
      return statuses;
    },
  };
}

describe.skipIf(!CHROMIUM)('the operator console in Chromium', () => {
  let ctx: Ctx;
  let browser: Browser;
  beforeAll(async () => {
    ctx = await setup();
    browser = ctx.browser;
  });
  afterAll(async () => {
    await browser?.close();
    await ctx?.h.close();
  });

  it('signs in with a one-time link into an HttpOnly session that no script or URL holds', async () => {
    const { context, page, link } = await signedIn(ctx);
    expect(page.url()).toBe(`${ctx.base}/console/`);
    const [cookie] = await context.cookies();
    expect(cookie).toMatchObject({ name: 'switchyard_console', httpOnly: true, sameSite: 'Strict' });
    // Evaluated in the page (the test itself has no DOM types).
    expect(await page.evaluate('[localStorage.length, sessionStorage.length, document.cookie]')).toEqual([0, 0, '']);
    await expect.poll(() => page.getByTestId('doctor-status').isVisible()).toBe(true);
    await expectAccessible(page, 'overview');
    await screenshot(page, shots, 'console-overview');

    const other = await browser.newContext();
    const again = await other.newPage();
    await again.goto(link);
    await expect.poll(() => again.getByTestId('problem-alert').textContent()).toMatch(/already used or has expired/);
    await expectAccessible(again, 'sign-in');
    expect((await again.request.get(`${ctx.base}/v1/tenants`)).status()).toBe(401);
    await other.close();
    await context.close();
  });

  it('finds a tenant by search and shows its page', async () => {
    const { context, page } = await signedIn(ctx);
    await page.getByRole('link', { name: 'Tenants', exact: true }).click();
    await page.getByTestId('tenant-search').fill('acme');
    await expect.poll(() => page.getByTestId('tenant-row-browser-globex').count()).toBe(0);
    await expect.poll(() => page.getByTestId('tenant-row-browser-acme').isVisible()).toBe(true);
    await expectAccessible(page, 'tenants');

    await page.getByTestId('tenant-row-browser-acme').getByRole('link').first().click();
    await expect.poll(() => page.getByTestId('tenant-placement').textContent()).toContain('shared');
    await expectAccessible(page, 'tenant');
    await context.close();
  });

  it('upgrades a tenant shared → schema and shows its progress live while it keeps taking writes', async () => {
    const { h } = ctx;
    const acme = ctx.tenants.get('browser-acme')!;
    await seed(h, acme, 150, 'seed');
    const { context, page } = await signedIn(ctx);
    const writer = startWriter(h, acme);
    await page.goto(`${ctx.base}/console/tenants/${acme.slug}`);
    await page.getByTestId('tenant-move').click();
    await page.getByTestId('move-tier-schema').click();
    await expect.poll(() => page.getByTestId('move-estimate').textContent()).toMatch(/rows/i);
    await expectAccessible(page, 'move dialog');
    await page.getByTestId('move-confirm').click();

    await page.waitForURL(/\/console\/moves\/[0-9a-f-]{36}$/);
    const phases = new Set<string>();
    await expect
      .poll(
        async () => {
          const phase = (await page.getByTestId('move-phase').getAttribute('data-phase')) ?? '';
          if (phase === 'catching_up' && !phases.has(phase)) await screenshot(page, shots, 'console-live-upgrade');
          phases.add(phase);
          return phase;
        },
        { timeout: 90_000, interval: 100 },
      )
      .toBe('done');
    const statuses = await writer.stop();
    expect(phases.size).toBeGreaterThan(2);
    expect(statuses.length).toBeGreaterThan(0);
    expect(statuses.filter((s) => s !== 201)).toEqual([]);
    await expect.poll(() => page.getByTestId('move-verification').textContent()).toContain('employees');
    await expectAccessible(page, 'move');

    const ops = { Authorization: `Bearer ${h.opsToken()}` };
    expect((await h.cpRequest().get(`/v1/tenants/${acme.slug}`).set(ops)).body.tier).toBe('schema');
    // Every acknowledged write is there, in the new home.
    const storage = (await h.cpRequest().get(`/v1/tenants/${acme.slug}/usage`).set(ops)).body.storage;
    const employees = storage.tables.find((t: { table: string }) => t.table === 'employees');
    expect(employees.rows).toBe(150 + statuses.length);

    await page.goto(`${ctx.base}/console/tenants/${acme.slug}`);
    await expect.poll(() => page.getByTestId('tenant-placement').textContent()).toContain('schema');
    await screenshot(page, shots, 'console-tenant');
    await context.close();
  }, 120_000);

  it('cancels a move before its cutover: the tenant stays where it was', async () => {
    const globex = ctx.tenants.get('browser-globex')!;
    const { context, page } = await signedIn(ctx);
    await page.goto(`${ctx.base}/console/tenants/${globex.slug}`);
    await page.getByTestId('tenant-move').click();
    await page.getByTestId('move-tier-database').click();
    await page.getByTestId('move-confirm').click();
    await page.waitForURL(/\/console\/moves\//);
    await page.getByTestId('move-cancel').click();
    await expect
      .poll(() => page.getByTestId('move-phase').getAttribute('data-phase'), { timeout: 60_000 })
      .toBe('cancelled');
    const ops = { Authorization: `Bearer ${ctx.h.opsToken()}` };
    expect((await ctx.h.cpRequest().get(`/v1/tenants/${globex.slug}`).set(ops)).body.tier).toBe('shared');
    await context.close();
  }, 90_000);

  it('previews and starts a migration run, and follows it to the end', async () => {
    const { context, page } = await signedIn(ctx);
    await page.getByRole('link', { name: 'Migrations', exact: true }).click();
    await page.getByTestId('run-preview').click();
    await expect.poll(() => page.getByTestId('run-plan').isVisible()).toBe(true);
    await expectAccessible(page, 'migrations');
    await page.getByTestId('run-start').click();
    await page.waitForURL(/\/console\/migrations\/runs\/[0-9a-f-]{36}$/);
    await expect
      .poll(() => page.getByTestId('run-progress').getAttribute('data-status'), { timeout: 60_000 })
      .toBe('succeeded');
    await expectAccessible(page, 'migration run');
    await context.close();
  }, 90_000);

  it('shows the audit trail of all of it under the operator, filtered', async () => {
    const { context, page } = await signedIn(ctx);
    await page.getByRole('link', { name: 'Audit log', exact: true }).click();
    await page.getByTestId('audit-filter-actor').fill(OPERATOR);
    await page.getByTestId('audit-apply').click();
    const table = page.getByTestId('audit-table');
    await expect.poll(() => table.textContent()).toContain('console.sign-in');
    await expectAccessible(page, 'audit');
    const text = (await table.textContent()) ?? '';
    expect(text).not.toMatch(/ops:test|system/);
    for (const action of ['tenant.move', 'move.cancel', 'migration.run']) expect(text).toContain(action);

    await page.getByRole('link', { name: 'Doctor', exact: true }).click();
    await expect.poll(() => page.getByTestId('doctor-findings').isVisible()).toBe(true);
    await expectAccessible(page, 'doctor');
    await context.close();
  });

  it('lists a shared tenant over its tier’s row limit as an upgrade candidate, with its move', async () => {
    const hooli = await ctx.h.createTenant('browser-hooli', 'shared');
    await seed(ctx.h, hooli, 4, 'c');
    const { context, page } = await signedIn(ctx);
    await page.getByRole('link', { name: 'Upgrade candidates', exact: true }).click();
    const table = page.getByTestId('candidates-table');
    await expect.poll(() => table.textContent()).toContain('browser-hooli');
    expect(await table.textContent()).toMatch(/rows 4 > 3/);
    await expectAccessible(page, 'candidates');
    await context.close();
  });

  it('shows an offboarding and its erasure date, downloads the archive, lists the entries, and cancels it', async () => {
    const leaver = await ctx.h.createTenant('browser-leaver', 'schema');
    await seed(ctx.h, leaver, 3, 'l');
    const ops = { Authorization: `Bearer ${ctx.h.opsToken()}` };
    const reason = 'ticket 4711: an employee is missing';
    const read = await ctx.h
      .cpRequest()
      .post(`/v1/tenants/${leaver.slug}/query`)
      .set(ops)
      .send({ reason, sql: 'SELECT email FROM employees ORDER BY email' });
    expect([read.status, read.body.rowCount]).toEqual([200, 3]);
    const scheduled = await ctx.h
      .cpRequest()
      .post(`/v1/tenants/${leaver.slug}/offboarding`)
      .set(ops)
      .send({ grace: '7d' });
    expect(scheduled.status).toBe(202);

    const { context, page } = await signedIn(ctx);
    await page.goto(`${ctx.base}/console/tenants/${leaver.slug}`);
    await expect.poll(() => page.getByTestId('offboarding-state').getAttribute('data-value')).toBe('scheduled');
    expect(await page.getByTestId('offboarding-erase-after').textContent()).toMatch(/Erased everywhere after/);
    // Only the cancel resumes it: no Resume button while the erasure is scheduled.
    expect(await page.getByTestId('tenant-resume').count()).toBe(0);
    await expectAccessible(page, 'tenant being offboarded');

    // The archive, downloaded with the session (a tar whose first entry is its manifest).
    const [download] = await Promise.all([page.waitForEvent('download'), page.getByTestId('tenant-export').click()]);
    expect(download.suggestedFilename()).toMatch(/^browser-leaver-\d{8}T\d{6}Z\.tar$/);
    const archive = await readFile(await download.path());
    expect(archive.subarray(0, 13).toString()).toBe('manifest.json');

    // The trail shows the break-glass read with its reason, the offboarding and the export.
    await page.reload();
    const trail = page.getByTestId('tenant-audit');
    await expect.poll(async () => (await trail.textContent()) ?? '').toContain('tenant.export');
    const text = (await trail.textContent()) ?? '';
    for (const entry of ['tenant.query', reason, 'tenant.offboard']) expect(text).toContain(entry);

    await page.getByTestId('offboarding-cancel').click();
    await page.getByTestId('offboarding-cancel-confirm').click();
    await expect.poll(() => page.getByTestId('offboarding-state').getAttribute('data-value')).toBe('cancelled');
    await expect.poll(() => page.getByTestId('tenant-status').getAttribute('data-value')).toBe('active');
    const served = await ctx.h
      .apiRequest()
      .get('/v1/employees')
      .set('Authorization', `Bearer ${ctx.h.tokenFor(leaver.id)}`);
    expect([served.status, served.body.items.length]).toEqual([200, 3]);
    await context.close();
  });

  it('refuses a cross-site POST and API calls after sign-out', async () => {
    const { h, base } = ctx;
    const { context, page } = await signedIn(ctx);
    const move = (await h.cpRequest().get('/v1/moves?limit=1').set('Authorization', `Bearer ${h.opsToken()}`)).body
      .items[0];
    const attacker = await attackerSite(
      `${base}/v1/moves/${move?.id ?? '00000000-0000-4000-8000-000000000000'}/cancel`,
    );
    try {
      // Another site: the SameSite=Strict cookie stays home.
      const crossSite = page.waitForResponse((r) => r.url().endsWith('/cancel'));
      await page.goto(`http://127.0.0.1:${attacker.port}/`);
      expect((await crossSite).status()).toBe(401);
      // The same site on another port gets the cookie, but not past the origin and CSRF checks.
      const sameSite = page.waitForResponse((r) => r.url().endsWith('/cancel'));
      await page.goto(`http://localhost:${attacker.port}/`);
      expect((await sameSite).status()).toBe(403);
    } finally {
      await new Promise((resolve) => attacker.server.close(resolve));
    }

    await page.goto(`${base}/console/`);
    await page.getByTestId('sign-out').click();
    await page.waitForURL(/\/console\/sign-in/);
    expect(await page.evaluate(async () => (await fetch('/v1/tenants')).status)).toBe(401);
    await context.close();
  });
});

/** A page on another origin that posts a form to `target` as soon as it loads. */
async function attackerSite(target: string): Promise<{ server: Server; port: number }> {
  const html = `<!doctype html><html lang="en"><body><form method="POST" action="${target}"></form>
    <script>document.forms[0].submit()</script></body></html>`;
  const server = createServer((_req, res) => res.writeHead(200, { 'Content-Type': 'text/html' }).end(html));
  await new Promise<void>((resolve) => server.listen(0, '0.0.0.0', resolve));
  return { server, port: (server.address() as AddressInfo).port };
}
