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
import { cliEnv, runCli, spawnCli, type CliResult } from './support/cli';
import { MigrationsDir } from './support/migrations-dir';

interface TenantJson {
  id: string;
  slug: string;
  tier: string;
  placement: { server: string; database: string; schema: string };
}

const PENDING = '0002_only_migrate';
/** The tenant migrations this repository ships: where every new target starts. */
const baseline = loadMigrationSet('tenant').files.map((f) => f.name);
const FIRST_TENANTS = [
  ['only-shared', 'shared'],
  ['only-schema', 'schema'],
  ['only-db', 'database'],
] as const;

/**
 * A brand-new installation on the test server, driven as a user drives it: the built CLI in separate
 * processes, with a private migrations folder. Its first `tenants create` bootstraps it.
 */
class CliInstallation {
  readonly dir = new MigrationsDir();
  readonly config: SwitchyardConfig;
  readonly env: NodeJS.ProcessEnv;
  readonly tenants = new Map<string, TenantJson>();

  constructor() {
    this.config = testConfig(inject('databaseUrl'), inject('runId'), { MIGRATIONS_DIR: this.dir.path });
    this.env = cliEnv(this.config, { MIGRATIONS_DIR: this.dir.path });
  }

  cli(...args: string[]): Promise<CliResult> {
    return runCli(args, this.env);
  }

  /** Creates one tenant per tier through the CLI; throws unless each succeeded (the tests need them). */
  async createFirstTenants(): Promise<CliResult[]> {
    const results: CliResult[] = [];
    for (const [slug, tier] of FIRST_TENANTS) {
      const res = await this.cli('tenants', 'create', slug, '--name', slug, '--tier', tier, '--json');
      if (res.code !== 0) throw new Error(`tenants create ${slug} failed (${res.code}): ${res.stderr}`);
      this.tenants.set(slug, JSON.parse(res.stdout) as TenantJson);
      results.push(res);
    }
    return results;
  }

  /** The tenant migrations in the folder now: all of them (in the order `versions()` lists them), and the last. */
  migrations(): { all: string[]; latest: string | null } {
    const set = loadMigrationSet('tenant', this.dir.path);
    return { all: set.files.map((f) => f.name).sort(), latest: set.latest };
  }

  /** Every place the tenant migration set lives, with the migrations its own ledger says it holds. */
  async versions(): Promise<Record<string, string[]>> {
    const places = {
      shared: { database: this.config.names.sharedDatabase, schema: 'public' },
      template: { database: this.config.names.templateDatabase, schema: 'public' },
      ...Object.fromEntries(
        [...this.tenants.values()].filter((t) => t.tier !== 'shared').map((t) => [t.slug, t.placement]),
      ),
    };
    const result: Record<string, string[]> = {};
    for (const [name, { database, schema }] of Object.entries(places)) {
      result[name] = await ledgerOf(this.config.databaseUrl, database, schema);
    }
    return result;
  }

  async dispose(): Promise<void> {
    await dropTestInstallation(this.config);
    this.dir.dispose();
  }
}

async function ledgerOf(serverUrl: string, database: string, schema: string): Promise<string[]> {
  const url = withDatabase(serverUrl, database);
  const ledger = await withOwnerClient(url, (client) => readLocalLedger(client, schema, 'tenant'));
  return [...ledger.keys()].sort();
}

const everywhere = (migrations: string[]) =>
  Object.fromEntries(['shared', 'template', 'only-schema', 'only-db'].map((place) => [place, migrations]));

/**
 * Only `switchyard migrate` applies tenant migrations to existing targets: other commands and the
 * control plane's start-up install what was never installed, and report what is behind.
 */
describe('only migrate migrates tenant targets', () => {
  /** Nothing here runs `migrate`: every test finds the pending migration still pending. */
  describe('while a migration is pending', () => {
    let db: CliInstallation;
    let created: CliResult[];
    /** The same installation with a second server added (EXTRA_SERVERS). */
    let withEast: SwitchyardConfig;

    beforeAll(async () => {
      db = new CliInstallation();
      created = await db.createFirstTenants();
      db.dir.add(PENDING, 'ALTER TABLE "employees" ADD COLUMN "only_migrate" text;');
      withEast = testConfig(inject('databaseUrl'), inject('runId'), {
        MIGRATIONS_DIR: db.dir.path,
        SWITCHYARD_DB_PREFIX: db.config.names.controlDatabase.replace(/_control$/, ''),
        APP_DB_USER: db.config.names.appRole,
        EXTRA_SERVERS: `east=${inject('secondDatabaseUrl')}`,
      });
    });
    afterAll(async () => {
      if (withEast) await dropTestInstallation(withEast); // the same names, on the second server too
      await db?.dispose();
    });

    it('a brand-new installation through the CLI is bootstrapped: its first tenants are usable', async () => {
      for (const res of created) expect(res).toMatchObject({ code: 0, stderr: '' });
      expect(await db.versions()).toEqual(everywhere(baseline));

      const api: NestExpressApplication = await createApiApp(db.config);
      await api.init();
      try {
        for (const slug of ['only-shared', 'only-schema']) {
          const token = (await db.cli('token', slug)).stdout.trim();
          const employee = await request(api.getHttpServer())
            .post('/v1/employees')
            .set('Authorization', `Bearer ${token}`)
            .send({ email: `first@${slug}.example`, fullName: 'First' });
          expect(employee.status).toBe(201);
          const listed = await request(api.getHttpServer())
            .get('/v1/employees')
            .set('Authorization', `Bearer ${token}`);
          expect(listed.body.items.map((e: { email: string }) => e.email)).toEqual([`first@${slug}.example`]);
        }
      } finally {
        await api.close();
      }
    });

    it('read-only commands change no target and print nothing on stderr', async () => {
      const readOnly = [
        ['tenants', 'list'],
        ['tenants', 'show', 'only-schema'],
        ['token', 'only-db'],
        ['token', '--ops'],
      ];
      for (const args of readOnly) {
        const res = await db.cli(...args);
        expect(res, args.join(' ')).toMatchObject({ code: 0, stderr: '' });
      }
      expect(await db.versions()).toEqual(everywhere(baseline));

      const status = await db.cli('migrate', 'status', '--json');
      expect(status.code).toBe(0);
      const parsed = JSON.parse(status.stdout) as FleetStatus;
      expect(parsed.latest).toBe(PENDING);
      expect(parsed.summary.total).toMatchObject({ targets: 4, behind: 4, current: 0 });
      expect((await db.cli('migrate', 'status')).stdout).toMatch(/not current:/);
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
        expect(await db.versions()).toEqual(everywhere(baseline));
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
      const res = await db.cli('migrate', '--tenant', 'only-schema', '--tenant', 'nope');
      expect(res.code).toBe(2);
      expect(res.stdout).toBe('');
      expect(res.stderr).toMatch(/no tenant "nope"/i);
      expect(res.stderr).not.toContain('only-schema');
      expect((await db.cli('migrate', 'status', '--tenant', 'nope')).code).toBe(2);
      expect(await db.versions()).toEqual(everywhere(baseline));
    });

    it('migrate --dry-run says what would happen and changes nothing', async () => {
      const dry = await db.cli('migrate', '--dry-run');
      expect(dry.code).toBe(0);
      const outcome = `dry run: 4 targets would be migrated to ${PENDING}; nothing was changed\n`;
      expect(dry.stdout.endsWith(outcome)).toBe(true);
      expect(dry.stdout).not.toMatch(/all targets at/);
      const json = JSON.parse((await db.cli('migrate', '--dry-run', '--json')).stdout) as FleetReport;
      expect(json).toMatchObject({ dryRun: true, latest: PENDING, summary: { total: { planned: 4 } } });
      expect(await db.versions()).toEqual(everywhere(baseline));
    });
  });

  /**
   * These two change targets, so they have an installation of their own, and say what they expect in
   * terms of the migrations folder: either may run first.
   */
  describe('migrate and dev', () => {
    let db: CliInstallation;

    beforeAll(async () => {
      db = new CliInstallation();
      await db.createFirstTenants();
      db.dir.add(PENDING, 'ALTER TABLE "employees" ADD COLUMN "only_migrate" text;');
    });
    afterAll(() => db?.dispose());

    it('migrate applies what is pending everywhere; then a dry run has nothing to do', async () => {
      const { all, latest } = db.migrations();
      const res = await db.cli('migrate');
      expect(res.code).toBe(0);
      expect(res.stdout).toContain(`all targets at ${latest}`);
      expect(await db.versions()).toEqual(everywhere(all));
      const nothing = await db.cli('migrate', '--dry-run');
      expect(nothing.stdout).toContain(`dry run: every target is at ${latest}; nothing to do`);
    });

    it('switchyard dev (the quick start) still brings shared and template up to date', async () => {
      const before = await db.versions();
      db.dir.add('0003_dev_col', 'ALTER TABLE "employees" ADD COLUMN "dev_col" text;');
      const ports = { API_PORT: String(await freePort()), CONTROL_PLANE_PORT: String(await freePort()) };
      const dev = spawnCli(['dev', '--no-seed'], { ...db.env, ...ports });
      try {
        await new Promise<void>((resolve, reject) => {
          let out = '';
          dev.child.stdout?.on('data', (chunk: Buffer) => {
            out += chunk.toString();
            if (out.includes('Switchyard is running')) resolve();
          });
          void dev.done.then((r) => reject(new Error(`dev exited (${r.code}): ${r.stderr}`)));
        });
        const { shared, template, ...tenants } = await db.versions();
        const { all } = db.migrations();
        expect({ shared, template }).toEqual({ shared: all, template: all });
        // Existing tenants are still `migrate`'s to advance.
        const { shared: _shared, template: _template, ...tenantsBefore } = before;
        expect(tenants).toEqual(tenantsBefore);
      } finally {
        dev.child.kill('SIGTERM');
        await dev.done;
      }
    });
  });
});
