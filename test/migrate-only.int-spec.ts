import { Logger } from '@nestjs/common';
import type { NestExpressApplication } from '@nestjs/platform-express';
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, inject, it, vi } from 'vitest';
import { createApiApp } from '@apps/api';
import { createControlPlaneApp } from '@apps/control-plane';
import { TokenIssuer } from '@switchyard/auth';
import type { SwitchyardConfig } from '@switchyard/config';
import { loadMigrationSet, readLocalLedger, type FleetReport, type FleetStatus } from '@switchyard/migrations';
import { withDatabase, withOwnerClient } from '@switchyard/postgres';
import { dropTestInstallation, freePort, testConfig } from '@switchyard/testing';
import { cliEnv, runCli, spawnCli } from './support/cli';
import { MigrationsDir } from './support/migrations-dir';

interface TenantJson {
  id: string;
  slug: string;
  tier: string;
  placement: { server: string; database: string; schema: string };
}

/**
 * Only `switchyard migrate` applies tenant migrations to existing targets: other commands and the
 * control plane's start-up install what was never installed, and report what is behind. Run as a user
 * runs it: the built CLI in separate processes, against a brand-new installation.
 */
describe('only migrate migrates tenant targets', () => {
  const PENDING = '0002_only_migrate';
  let config: SwitchyardConfig;
  /** The same installation with a second server added (EXTRA_SERVERS) once it is up and running. */
  let withEast: SwitchyardConfig;
  let dir: MigrationsDir;
  let env: NodeJS.ProcessEnv;
  const tenants: Record<string, TenantJson> = {};
  const baseline = loadMigrationSet('tenant').files.map((f) => f.name);
  const cli = (...args: string[]) => runCli(args, env);

  beforeAll(() => {
    dir = new MigrationsDir();
    config = testConfig(inject('databaseUrl'), inject('runId'), { MIGRATIONS_DIR: dir.path });
    env = cliEnv(config, { MIGRATIONS_DIR: dir.path });
    withEast = testConfig(inject('databaseUrl'), inject('runId'), {
      MIGRATIONS_DIR: dir.path,
      SWITCHYARD_DB_PREFIX: config.names.controlDatabase.replace(/_control$/, ''),
      APP_DB_USER: config.names.appRole,
      EXTRA_SERVERS: `east=${inject('secondDatabaseUrl')}`,
    });
  });
  afterAll(async () => {
    if (withEast) await dropTestInstallation(withEast);
    dir?.dispose();
  });

  /** Every place the tenant migration set lives, with the migrations its own ledger says it holds. */
  async function versions(): Promise<Record<string, string[]>> {
    const places = {
      shared: { database: config.names.sharedDatabase, schema: 'public' },
      template: { database: config.names.templateDatabase, schema: 'public' },
      ...Object.fromEntries(
        Object.values(tenants)
          .filter((t) => t.tier !== 'shared')
          .map((t) => [t.slug, t.placement]),
      ),
    };
    const result: Record<string, string[]> = {};
    for (const [name, { database, schema }] of Object.entries(places)) {
      result[name] = await ledgerOf(config.databaseUrl, database, schema);
    }
    return result;
  }

  async function ledgerOf(serverUrl: string, database: string, schema: string): Promise<string[]> {
    const url = withDatabase(serverUrl, database);
    const ledger = await withOwnerClient(url, (client) => readLocalLedger(client, schema, 'tenant'));
    return [...ledger.keys()].sort();
  }

  const everywhere = (migrations: string[]) =>
    Object.fromEntries(['shared', 'template', 'only-schema', 'only-db'].map((place) => [place, migrations]));

  it('a brand-new installation through the CLI is bootstrapped: its first tenants are usable', async () => {
    for (const [slug, tier] of [
      ['only-shared', 'shared'],
      ['only-schema', 'schema'],
      ['only-db', 'database'],
    ]) {
      const res = await cli('tenants', 'create', slug, '--name', slug, '--tier', tier, '--json');
      expect(res).toMatchObject({ code: 0, stderr: '' });
      tenants[slug] = JSON.parse(res.stdout) as TenantJson;
    }
    expect(await versions()).toEqual(everywhere(baseline));

    const api: NestExpressApplication = await createApiApp(config);
    await api.init();
    try {
      for (const slug of ['only-shared', 'only-schema']) {
        const token = (await cli('token', slug)).stdout.trim();
        const created = await request(api.getHttpServer())
          .post('/v1/employees')
          .set('Authorization', `Bearer ${token}`)
          .send({ email: `first@${slug}.example`, fullName: 'First' });
        expect(created.status).toBe(201);
        const listed = await request(api.getHttpServer()).get('/v1/employees').set('Authorization', `Bearer ${token}`);
        expect(listed.body.items.map((e: { email: string }) => e.email)).toEqual([`first@${slug}.example`]);
      }
    } finally {
      await api.close();
    }
  });

  it('with a new migration, read-only commands change no target and print nothing on stderr', async () => {
    dir.add(PENDING, 'ALTER TABLE "employees" ADD COLUMN "only_migrate" text;');
    const readOnly = [
      ['tenants', 'list'],
      ['tenants', 'show', 'only-schema'],
      ['token', 'only-db'],
      ['token', '--ops'],
    ];
    for (const args of readOnly) {
      const res = await cli(...args);
      expect(res, args.join(' ')).toMatchObject({ code: 0, stderr: '' });
    }
    expect(await versions()).toEqual(everywhere(baseline));

    const status = await cli('migrate', 'status', '--json');
    expect(status.code).toBe(0);
    const parsed = JSON.parse(status.stdout) as FleetStatus;
    expect(parsed.latest).toBe(PENDING);
    expect(parsed.summary.total).toMatchObject({ targets: 4, behind: 4, current: 0 });
    expect((await cli('migrate', 'status')).stdout).toMatch(/not current:/);
  });

  it('the control plane starts without migrating: new server installed, one warning, ready while behind', async () => {
    const warn = vi.spyOn(Logger.prototype, 'warn');
    let app: NestExpressApplication | undefined;
    try {
      app = await createControlPlaneApp(withEast);
      await app.init();
      const warnings = warn.mock.calls.map(([m]) => String(m)).filter((m) => m.includes('behind the latest'));
      const expected = new RegExp(`^4 targets behind the latest migration ${PENDING}.*switchyard migrate`);
      expect(warnings).toEqual([expect.stringMatching(expected)]);
      expect(await versions()).toEqual(everywhere(baseline));
      // The new server's template had never been migrated: installing it means at the latest version.
      const eastTemplate = await ledgerOf(inject('secondDatabaseUrl'), withEast.names.templateDatabase, 'public');
      expect(eastTemplate).toEqual([...baseline, PENDING].sort());

      const ready = await request(app.getHttpServer()).get('/health/ready');
      expect(ready.status).toBe(200);
      expect(ready.body.details).toMatchObject({
        'control-plane': { status: 'up' },
        migrations: { status: 'up', latest: PENDING, behind: 4, failed: 0 },
      });

      // A run over a tenant that does not exist is refused before it starts.
      const ops = app.get(TokenIssuer).issue({ sub: 'ops:test', roles: ['ops'], expiresInSeconds: 600 });
      const auth = { Authorization: `Bearer ${ops}` };
      const cp = () => request(app!.getHttpServer());
      const unknown = await cp()
        .post('/v1/migrations/runs')
        .set(auth)
        .send({ tenants: ['nope'] });
      expect(unknown.status).toBe(404);
      expect(unknown.headers['content-type']).toMatch(/problem\+json/);
      expect(unknown.body).toMatchObject({ code: 'TENANT_NOT_FOUND' });
      expect(unknown.body.detail).toContain('"nope"');
      expect((await cp().get('/v1/migrations/runs').set(auth)).body.items).toEqual([]);
    } finally {
      warn.mockRestore();
      await app?.close();
    }
  });

  it('migrate --tenant with an unknown tenant is a usage error naming it', async () => {
    const res = await cli('migrate', '--tenant', 'only-schema', '--tenant', 'nope');
    expect(res.code).toBe(2);
    expect(res.stdout).toBe('');
    expect(res.stderr).toMatch(/no tenant "nope"/i);
    expect(res.stderr).not.toContain('only-schema');
    expect((await cli('migrate', 'status', '--tenant', 'nope')).code).toBe(2);
    expect(await versions()).toEqual(everywhere(baseline));
  });

  it('migrate --dry-run says what would happen and changes nothing', async () => {
    const dry = await cli('migrate', '--dry-run');
    expect(dry.code).toBe(0);
    const outcome = `dry run: 4 targets would be migrated to ${PENDING}; nothing was changed\n`;
    expect(dry.stdout.endsWith(outcome)).toBe(true);
    expect(dry.stdout).not.toMatch(/all targets at/);
    const json = JSON.parse((await cli('migrate', '--dry-run', '--json')).stdout) as FleetReport;
    expect(json).toMatchObject({ dryRun: true, latest: PENDING, summary: { total: { planned: 4 } } });
    expect(await versions()).toEqual(everywhere(baseline));
  });

  it('migrate applies it everywhere; then a dry run has nothing to do', async () => {
    const res = await cli('migrate');
    expect(res.code).toBe(0);
    expect(res.stdout).toContain(`all targets at ${PENDING}`);
    expect(await versions()).toEqual(everywhere([...baseline, PENDING].sort()));
    const nothing = await cli('migrate', '--dry-run');
    expect(nothing.stdout).toContain(`dry run: every target is at ${PENDING}; nothing to do`);
  });

  it('switchyard dev (the quick start) still brings shared and template up to date', async () => {
    const next = '0003_dev_col';
    dir.add(next, 'ALTER TABLE "employees" ADD COLUMN "dev_col" text;');
    const ports = { API_PORT: String(await freePort()), CONTROL_PLANE_PORT: String(await freePort()) };
    const dev = spawnCli(['dev', '--no-seed'], { ...env, ...ports });
    try {
      await new Promise<void>((resolve, reject) => {
        let out = '';
        dev.child.stdout?.on('data', (chunk: Buffer) => {
          out += chunk.toString();
          if (out.includes('Switchyard is running')) resolve();
        });
        void dev.done.then((r) => reject(new Error(`dev exited (${r.code}): ${r.stderr}`)));
      });
      const latest = [...baseline, PENDING, next].sort();
      const { shared, template, ...rest } = await versions();
      expect({ shared, template }).toEqual({ shared: latest, template: latest });
      // Existing tenants are still `migrate`'s to advance.
      expect(rest).toEqual({ 'only-schema': [...baseline, PENDING].sort(), 'only-db': [...baseline, PENDING].sort() });
    } finally {
      dev.child.kill('SIGTERM');
      await dev.done;
    }
  });
});
