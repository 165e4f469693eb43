import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { verify, type JwtPayload } from 'jsonwebtoken';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, inject, it } from 'vitest';
import type { SwitchyardConfig } from '@switchyard/config';
import { withDatabase, withOwnerClient } from '@switchyard/postgres';
import { dropTestInstallation, testConfig } from '@switchyard/testing';
import { cliEnv } from './support/cli';

/**
 * The built CLI, run as a user runs it: `node bin/switchyard.js …` in a separate process, configured only
 * through environment variables, against a throw-away installation on the test server.
 */

const ROOT = resolve(__dirname, '..');
const BIN = join(ROOT, 'bin', 'switchyard.js');
const run = promisify(execFile);

interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
}

interface TenantJson {
  id: string;
  slug: string;
  name: string;
  status: string;
  tier: string;
  placement: { server: string; database: string; schema: string };
  version: number;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

describe('switchyard CLI', () => {
  let config: SwitchyardConfig;
  let env: NodeJS.ProcessEnv;
  let cwd: string;
  /** Tenants every test may read: `cli-schema` (schema tier) and `cli-shared`, created through the CLI. */
  let schemaTenant: TenantJson;

  beforeAll(async () => {
    // `npm test` builds first; compile here only when run on its own without a build.
    if (!existsSync(join(ROOT, 'dist', 'apps', 'cli', 'src', 'main.js')))
      await run('npx', ['swc', 'apps', 'libs', '-d', 'dist'], { cwd: ROOT });
    config = testConfig(inject('databaseUrl'), inject('runId'));
    env = cliEnv(config);
    // An empty working directory, so no .env file of the project leaks into the command's configuration.
    cwd = mkdtempSync(join(tmpdir(), 'switchyard-cli-'));
    schemaTenant = await createTenant('cli-schema', 'CLI Schema Co', 'schema');
    await createTenant('cli-shared', 'CLI Shared Co', 'shared');
  });

  afterAll(async () => {
    if (config) await dropTestInstallation(config);
    if (cwd) rmSync(cwd, { recursive: true, force: true });
  });

  async function cli(...args: string[]): Promise<CliResult> {
    try {
      const { stdout, stderr } = await run(process.execPath, [BIN, ...args], { cwd, env, timeout: 60_000 });
      return { code: 0, stdout, stderr };
    } catch (error) {
      const failed = error as { code?: unknown; stdout?: string; stderr?: string };
      return {
        code: typeof failed.code === 'number' ? failed.code : -1,
        stdout: failed.stdout ?? '',
        stderr: failed.stderr ?? '',
      };
    }
  }

  async function createTenant(slug: string, name: string, tier: string): Promise<TenantJson> {
    const res = await cli('tenants', 'create', slug, '--name', name, '--tier', tier, '--json');
    if (res.code !== 0) throw new Error(`tenants create ${slug} failed (${res.code}): ${res.stderr}`);
    return JSON.parse(res.stdout) as TenantJson;
  }

  /** Every tenant as the control plane holds it, by slug: what a listing must show. */
  async function controlPlaneTenants(tier?: string): Promise<{ slug: string; name: string; tier: string }[]> {
    const url = withDatabase(config.databaseUrl, config.names.controlDatabase);
    const { rows } = await withOwnerClient(url, (client) =>
      client.query<{ slug: string; name: string; tier: string }>(
        `SELECT t.slug, t.name, p.tier FROM tenants t JOIN placements p ON p.tenant_id = t.id
         WHERE $1::text IS NULL OR p.tier = $1 ORDER BY t.slug`,
        [tier ?? null],
      ),
    );
    return rows;
  }

  function decodeToken(stdout: string): JwtPayload {
    const token = stdout.trim();
    expect(token).toMatch(/^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$/);
    // Verifies with the configured secret: the token is usable against the APIs, not merely well-formed.
    return verify(token, config.jwt.secret!, { algorithms: ['HS256'] }) as JwtPayload;
  }

  it('tenants create --json prints the tenant with its tier and placement', async () => {
    const res = await cli('tenants', 'create', 'cli-json', '--name', 'CLI Json Co', '--tier', 'schema', '--json');
    expect(res).toMatchObject({ code: 0 });
    const created = JSON.parse(res.stdout) as TenantJson;
    expect(created).toMatchObject({
      slug: 'cli-json',
      name: 'CLI Json Co',
      status: 'active',
      tier: 'schema',
      placement: {
        server: 'primary',
        database: config.names.sharedDatabase,
        schema: `t_${created.id.replace(/-/g, '')}`,
      },
    });
    expect(created.id).toMatch(UUID);
    // The tenant really exists where the control plane says.
    const { stdout } = await cli('tenants', 'show', created.id, '--json');
    expect(JSON.parse(stdout)).toMatchObject({ id: created.id, slug: 'cli-json' });
  });

  it('tenants create without --json prints a readable confirmation', async () => {
    const res = await cli('tenants', 'create', 'cli-table', '--name', 'CLI Table Co', '--tier', 'shared');
    expect(res.code).toBe(0);
    expect(res.stdout).toContain('created cli-table (shared)');
    expect(res.stdout).toMatch(/^SLUG\s+NAME\s+TIER/m);
  });

  it('tenants list --json lists every tenant, in one page shaped like the API response', async () => {
    const res = await cli('tenants', 'list', '--json');
    expect(res.code).toBe(0);
    const page = JSON.parse(res.stdout) as { items: TenantJson[]; nextCursor: string | null; total: number };
    expect(page).toMatchObject({ nextCursor: null, total: page.items.length });
    const tenants = page.items;
    expect(tenants.map((t) => ({ slug: t.slug, name: t.name, tier: t.tier }))).toEqual(await controlPlaneTenants());
    expect(tenants.filter((t) => t.slug.startsWith('cli-s')).map((t) => [t.slug, t.tier, t.status])).toEqual([
      ['cli-schema', 'schema', 'active'],
      ['cli-shared', 'shared', 'active'],
    ]);
  });

  it('tenants list --tier schema shows only that tier', async () => {
    const table = await cli('tenants', 'list', '--tier', 'schema');
    expect(table.code).toBe(0);
    const [header, ...rows] = table.stdout.trim().split('\n');
    expect(header).toMatch(/^SLUG\s+NAME\s+TIER\s+STATUS/);
    expect(rows.map((line) => line.split(/\s{2,}/)[0])).toEqual(
      (await controlPlaneTenants('schema')).map((t) => t.slug),
    );
    expect(rows).toContainEqual(expect.stringMatching(/^cli-schema\s+CLI Schema Co\s+schema\s+active/));
    expect(table.stdout).not.toContain('cli-shared');

    const json = await cli('tenants', 'list', '--tier', 'shared', '--json');
    const shared = (await controlPlaneTenants('shared')).map((t) => t.slug);
    expect(shared).toContain('cli-shared');
    expect((JSON.parse(json.stdout) as { items: TenantJson[] }).items.map((t) => t.slug)).toEqual(shared);
  });

  it('tenants show <slug> prints the tenant', async () => {
    const res = await cli('tenants', 'show', 'cli-schema');
    expect(res.code).toBe(0);
    expect(res.stdout).toMatch(/^slug\s+cli-schema$/m);
    expect(res.stdout).toMatch(/^tier\s+schema$/m);
    expect(res.stdout).toMatch(/^status\s+active$/m);
    expect(res.stdout).toMatch(new RegExp(`^id\\s+${schemaTenant.id}$`, 'm'));
  });

  it('token <slug> mints a JWT for the tenant with an expiry', async () => {
    const res = await cli('token', 'cli-schema');
    expect(res.code).toBe(0);
    const payload = decodeToken(res.stdout);
    expect(payload.tid).toBe(schemaTenant.id);
    expect(payload.sub).toEqual(expect.any(String));
    expect(payload.roles).toBeUndefined();
    expect(payload.exp).toEqual(expect.any(Number));
    expect(payload.exp).toBeGreaterThan(payload.iat!);
  });

  it('token --ops mints an operator JWT', async () => {
    const res = await cli('token', '--ops');
    expect(res.code).toBe(0);
    const payload = decodeToken(res.stdout);
    expect(payload.roles).toEqual(['ops']);
    expect(payload.tid).toBeUndefined();
    expect(payload.exp).toEqual(expect.any(Number));
  });

  describe('bad input exits non-zero with a clear message, and changes no tenant', () => {
    let before: Awaited<ReturnType<typeof controlPlaneTenants>>;
    beforeEach(async () => {
      before = await controlPlaneTenants();
    });
    afterEach(async () => {
      expect(await controlPlaneTenants()).toEqual(before);
    });

    it('refuses an invalid slug', async () => {
      const res = await cli('tenants', 'create', 'BAD', '--name', 'x', '--tier', 'shared');
      expect(res.code).not.toBe(0);
      expect(res.stdout).toBe('');
      expect(res.stderr).toMatch(/slug must match/);
      expect(res.stderr).not.toMatch(/\n\s+at /); // a message, not a stack trace
    });

    it('refuses an unknown tier, naming the choices', async () => {
      const res = await cli('tenants', 'create', 'cli-nope', '--name', 'x', '--tier', 'nope');
      expect(res.code).not.toBe(0);
      expect(res.stderr).toContain("'nope' is invalid");
      expect(res.stderr).toMatch(/shared, schema, database/);
    });

    it('refuses a missing --tier and --name', async () => {
      expect((await cli('tenants', 'create', 'cli-nope', '--name', 'x')).stderr).toMatch(/--tier/);
      expect((await cli('tenants', 'create', 'cli-nope', '--tier', 'shared')).stderr).toMatch(/--name/);
    });

    it('names a slug that does not exist', async () => {
      const show = await cli('tenants', 'show', 'missing-slug');
      expect(show.code).not.toBe(0);
      expect(show.stdout).toBe('');
      expect(show.stderr).toContain('missing-slug');
      const token = await cli('token', 'missing-slug');
      expect(token.code).not.toBe(0);
      expect(token.stdout).toBe('');
      expect(token.stderr).toContain('missing-slug');
    });

    it('refuses a token with neither slug nor --ops', async () => {
      const res = await cli('token');
      expect(res.code).not.toBe(0);
      expect(res.stdout).toBe('');
      expect(res.stderr).toMatch(/--ops/);
    });

    it('refuses a duplicate create, in the same or another tier', async () => {
      for (const tier of ['schema', 'database']) {
        const res = await cli('tenants', 'create', 'cli-schema', '--name', 'Again', '--tier', tier);
        expect(res.code).not.toBe(0);
        expect(res.stderr).toMatch(/cli-schema already exists/);
      }
    });

    it('refuses an invalid configuration, naming the variable', async () => {
      const res = await run(process.execPath, [BIN, 'tenants', 'list'], {
        cwd,
        env: { ...env, JWT_SECRET: 'short' },
      }).then(
        () => ({ code: 0, stderr: '' }),
        (error: { code: number; stderr: string }) => error,
      );
      expect(res.code).not.toBe(0);
      expect(res.stderr).toMatch(/JWT_SECRET: must be at least 32 characters/);
    });
  });
});
