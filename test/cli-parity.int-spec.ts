import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TenantRecord } from '@switchyard/control-plane';
import { cliEnv, runCli, type CliResult } from './support/cli';
import { startHarness, type Harness } from './support/harness';

/**
 * What the operator console does through the control-plane API, the CLI does for SREs who script: the
 * same actions, audited alike, and with --json the very responses the API gives for the same thing.
 * The built CLI runs in processes of its own (stderr a pipe, not a terminal) against the harness's
 * installation. Nothing runs moves but a `--wait` CLI: the harness's control plane has no move worker
 * and CLI processes never run one, so a move requested without --wait stays pending.
 */

const ROOT = resolve(__dirname, '..');
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

interface MoveJson {
  id: string;
  tenantId: string;
  state: string;
  cancelRequested: boolean;
}

interface AuditJson {
  id: number;
  actor: string;
  action: string;
  targetSlug: string | null;
  outcome: string;
}

describe('CLI parity with the control-plane API', () => {
  let h: Harness;
  let env: NodeJS.ProcessEnv;

  beforeAll(async () => {
    // `npm test` builds first; compile here only when run on its own without a build.
    if (!existsSync(join(ROOT, 'dist', 'apps', 'cli', 'src', 'main.js')))
      await promisify(execFile)('npx', ['swc', 'apps', 'libs', '-d', 'dist'], { cwd: ROOT });
    h = await startHarness({ MOVE_WORKER: 'false' });
    env = cliEnv(h.config);
  });
  afterAll(() => h?.close());

  const cli = (...args: string[]): Promise<CliResult> => runCli(args, env);

  /** Runs a command that must succeed, with --json, and parses what it printed. */
  async function cliJson<T = unknown>(...args: string[]): Promise<T> {
    const res = await cli(...args, '--json');
    expect(res.code, `${args.join(' ')}: ${res.stderr}`).toBe(0);
    return JSON.parse(res.stdout) as T;
  }

  /** What the control-plane API answers an operator. */
  async function api<T = unknown>(path: string): Promise<T> {
    const res = await h
      .cpRequest()
      .get(path)
      .set({ Authorization: `Bearer ${h.opsToken()}` });
    expect(res.status, `GET ${path}: ${JSON.stringify(res.body)}`).toBe(200);
    return res.body as T;
  }

  /** A tenant with `rows` employees, written as the owner (fast, and no API request to wait for). */
  async function tenantWithRows(slug: string, rows: number): Promise<TenantRecord> {
    const tenant = await h.createTenant(slug, 'shared');
    await h.ownerQuery(
      tenant.placement.database,
      `INSERT INTO "${tenant.placement.schema}".employees (tenant_id, id, email, full_name)
       SELECT $1, gen_random_uuid(), 'p' || i || '@parity.io', 'Person ' || i FROM generate_series(1, $2) AS i`,
      [tenant.id, rows],
    );
    return tenant;
  }

  it('tenants suspend and resume change the status, answer as the API does, and are audited', async () => {
    const tenant = await h.createTenant('par-status', 'schema');
    const suspended = await cliJson<TenantRecord>('tenants', 'suspend', 'par-status');
    expect(suspended).toMatchObject({ id: tenant.id, status: 'suspended' });
    expect(suspended).toEqual(await api('/v1/tenants/par-status'));

    const resumed = await cliJson<TenantRecord>('tenants', 'resume', tenant.id);
    expect(resumed).toMatchObject({ id: tenant.id, status: 'active' });
    expect(resumed).toEqual(await api('/v1/tenants/par-status'));

    const trail = await cliJson<{ items: AuditJson[]; nextCursor: string | null }>('audit', '--tenant', 'par-status');
    expect(trail).toEqual(await api('/v1/audit?target=par-status'));
    const byCli = trail.items.filter((e) => e.actor.startsWith('cli:'));
    expect(byCli.map((e) => [e.action, e.outcome, e.targetSlug])).toEqual([
      ['tenant.resume', 'succeeded', 'par-status'],
      ['tenant.suspend', 'succeeded', 'par-status'],
    ]);

    // The filters narrow it as the API's do; --since and --limit on top; without --json, a table.
    const [suspends, lastOne, future, table] = await Promise.all([
      cliJson<{ items: AuditJson[] }>('audit', '--tenant', tenant.id, '--action', 'tenant.suspend', '--since', '1h'),
      cliJson<{ items: AuditJson[]; nextCursor: string | null }>('audit', '--tenant', 'par-status', '--limit', '1'),
      cliJson<{ items: AuditJson[] }>('audit', '--tenant', 'par-status', '--since', '2999-01-01T00:00:00Z'),
      cli('audit', '--tenant', 'par-status', '--action', 'tenant.suspend'),
    ]);
    expect(suspends.items.map((e) => e.action)).toEqual(['tenant.suspend']);
    expect(lastOne).toEqual(await api('/v1/audit?target=par-status&limit=1'));
    expect(lastOne.nextCursor).toEqual(String(lastOne.items[0]!.id));
    expect(future).toEqual({ items: [], nextCursor: null });
    expect(table.code, table.stderr).toBe(0);
    expect(table.stdout).toMatch(/^ID\s+AT\s+ACTOR\s+ACTION\s+TENANT\s+OUTCOME/);
    expect(table.stdout).toMatch(/\scli:\S+\s+tenant\.suspend\s+par-status\s+succeeded/);
  });

  it('tenants show and list --json answer what GET /v1/tenants answers', async () => {
    const [shown, listed] = await Promise.all([
      cliJson('tenants', 'show', 'par-status'),
      cliJson<{ items: unknown[] }>('tenants', 'list'),
    ]);
    expect(shown).toEqual(await api('/v1/tenants/par-status'));
    expect(listed).toEqual(await api('/v1/tenants?limit=500'));
    expect(listed.items.length).toBeGreaterThan(0);
  });

  it('moves list, show and cancel --json answer as the API does; the cancel is audited', async () => {
    const tenant = await h.createTenant('par-pending', 'shared');
    // Requested without --wait: nothing runs it, so it stays pending until cancelled.
    const requested = await cliJson<MoveJson>('tenants', 'move', 'par-pending', '--to', 'schema');
    expect(requested).toMatchObject({
      tenantId: tenant.id,
      state: 'pending',
      from: { tier: 'shared' },
      to: { tier: 'schema' },
    });
    expect(requested.id).toMatch(UUID);
    expect(requested).toEqual(await api(`/v1/moves/${requested.id}`));

    const [shown, listed, pendingOnly] = await Promise.all([
      cliJson('moves', 'show', requested.id),
      cliJson<{ items: MoveJson[] }>('moves', 'list', '--tenant', 'par-pending'),
      cliJson<{ items: MoveJson[] }>('moves', 'list', '--state', 'pending', '--limit', '5'),
    ]);
    expect(shown).toEqual(await api(`/v1/moves/${requested.id}`));
    expect(listed).toEqual(await api('/v1/moves?tenant=par-pending'));
    expect(listed.items.map((m) => m.id)).toEqual([requested.id]);
    expect(pendingOnly).toEqual(await api('/v1/moves?state=pending&limit=5'));

    const cancelled = await cliJson<MoveJson>('moves', 'cancel', requested.id);
    expect(cancelled).toMatchObject({ id: requested.id, cancelRequested: true });
    expect(cancelled).toEqual(await api(`/v1/moves/${requested.id}`));
    const [audit, table, text, unknown] = await Promise.all([
      cliJson<{ items: AuditJson[] }>('audit', '--tenant', 'par-pending', '--action', 'move.cancel'),
      cli('moves', 'list', '--tenant', tenant.id),
      cli('moves', 'show', requested.id),
      cli('moves', 'show', '00000000-0000-4000-8000-000000000000'),
    ]);
    expect(audit.items).toMatchObject([
      { action: 'move.cancel', outcome: 'succeeded', actor: expect.stringMatching(/^cli:/) },
    ]);
    expect(table.stdout).toMatch(/^ID\s+TENANT\s+FROM\s+TO\s+STATE\s+ROWS/);
    expect(table.stdout).toContain(`${requested.id}  par-pending  shared  schema  pending (cancelling)`);
    expect(text.stdout).toMatch(new RegExp(`^move ${requested.id}: pending \\(cancel requested\\)$`, 'm'));
    // Not found is a failure (1), not a usage error.
    expect(unknown).toMatchObject({ code: 1, stdout: '' });
    expect(unknown.stderr).toMatch(/MOVE_NOT_FOUND/);
  });

  it('servers list --json answers what GET /v1/servers answers (live numbers aside)', async () => {
    const listed = await cliJson<{ items: { live: unknown }[] }>('servers', 'list');
    const answered = await api<{ items: { live: { maxConnections: number } | null }[] }>('/v1/servers');
    // Connections in use and bytes change from one look to the next; everything else must not.
    const live = (l: { maxConnections: number } | null) =>
      l && {
        maxConnections: l.maxConnections,
        connections: { application: expect.any(Number), total: expect.any(Number) },
        bytes: expect.any(Number),
      };
    expect(listed).toEqual({ items: answered.items.map((s) => ({ ...s, live: live(s.live) })) });
    expect(listed.items.length).toBeGreaterThan(0);
  });

  it('exits 2 with a message on a usage error, and 0 with the help of a real command', async () => {
    const [unknown, unknownHelp, movesHelp, badTier, badId, badOption, badSince] = await Promise.all([
      cli('nosuchcommand'),
      cli('nosuchcommand', '--help'),
      cli('moves', '--help'),
      cli('tenants', 'move', 'par-status', '--to', 'nowhere'),
      cli('moves', 'cancel', 'not-a-uuid'),
      cli('moves', 'list', '--bogus'),
      cli('audit', '--since', 'yesterday'),
    ]);
    expect(unknown).toMatchObject({ code: 2, stdout: '' });
    expect(unknown.stderr).toContain("unknown command 'nosuchcommand'");
    expect(unknownHelp).toMatchObject({ code: 2, stdout: '' });
    expect(unknownHelp.stderr).toContain("unknown command 'nosuchcommand'");

    expect(movesHelp).toMatchObject({ code: 0, stderr: '' });
    expect(movesHelp.stdout).toMatch(/^Usage: switchyard moves /);
    expect(movesHelp.stdout).toMatch(/^\s+list\b/m);
    expect(movesHelp.stdout).toMatch(/^\s+show\b/m);
    expect(movesHelp.stdout).toMatch(/^\s+cancel\b/m);

    expect(badTier.code).toBe(2);
    expect(badTier.stderr).toMatch(/'nowhere' is invalid.*shared, schema, database/);
    expect(badId.code).toBe(2);
    expect(badId.stderr).toContain("'not-a-uuid' is invalid for argument 'id'. must be a move id (a UUID)");
    expect(badOption.code).toBe(2);
    expect(badOption.stderr).toContain("unknown option '--bogus'");
    expect(badSince.code).toBe(2);
    expect(badSince.stderr).toMatch(/'yesterday' is invalid. must be an ISO 8601 time/);
    for (const res of [badTier, badId, badOption, badSince]) expect(res.stdout).toBe('');
  });

  it('move --wait without a terminal logs each phase once and the copy against its counted total', async () => {
    await tenantWithRows('par-wait', 300);
    const res = await cli('tenants', 'move', 'par-wait', '--to', 'schema', '--wait');
    expect(res.code, res.stderr).toBe(0);
    expect(res.stdout).toMatch(/^move [0-9a-f-]{36}: done$/m);
    expect(res.stdout).toMatch(/^ {2}rows 300 copied of 300,/m);
    expect(res.stderr).not.toMatch(/\/0 rows/);
    const lines = res.stderr.split('\n').filter(Boolean);
    expect(lines).toContain('copying 300/300 rows (100%)');
    const phases = lines.filter((l) => /^[a-z_]+$/.test(l));
    expect(phases).toEqual(['copying', 'catching_up', 'cutover', 'verifying', 'cleaning_up']);
    for (const line of lines.filter((l) => l.startsWith('copying ')))
      expect(line).toMatch(/^copying \d+\/300 rows \(\d+%\)$/);
  });
});
