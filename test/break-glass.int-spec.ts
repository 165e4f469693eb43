import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Client } from 'pg';
import type { TenantRecord, Tier } from '@switchyard/control-plane';
import { DoctorService } from '@switchyard/doctor';
import { tenantStorageNames, withCredentials, withDatabase, withOwnerClient } from '@switchyard/postgres';
import { cliEnv, runCli } from './support/cli';
import { first } from './support/elements';
import { startHarness, type Harness } from './support/harness';

/**
 * Audited break-glass reads (libs/break-glass) against a real PostgreSQL, in every tier: the tenant's
 * rows and nobody else's, nothing but one read, nothing unrecorded, and a role that cannot write even
 * when someone reaches it directly. The CLI runs as its own OS process.
 */

const ROOT = resolve(__dirname, '..');
const TIMEOUT_MS = 1_000;

interface AuditItem {
  id: number;
  actor: string;
  action: string;
  target: string | null;
  targetSlug: string | null;
  outcome: string;
  details?: Record<string, unknown>;
}

interface QueryBody {
  columns: { name: string; type: string }[];
  rows: (string | null)[][];
  rowCount: number;
  truncated: boolean;
  code?: string;
  detail?: string;
}

describe('break-glass reads', () => {
  let h: Harness;
  /** One tenant per tier, and a neighbour for each: in the same shared table, schema database, server. */
  const tenants = new Map<Tier, TenantRecord>();
  const neighbours = new Map<Tier, TenantRecord>();
  const TIERS: Tier[] = ['shared', 'schema', 'database'];
  const ops = () => ({ Authorization: `Bearer ${h.opsToken()}` });

  const query = async (ref: string, sql: string, reason: string | null = 'INC-42: checking rows') => {
    const res = await h
      .cpRequest()
      .post(`/v1/tenants/${ref}/query`)
      .set(ops())
      .send(reason === null ? { sql } : { reason, sql });
    return { status: res.status, body: res.body as QueryBody };
  };

  /** The newest `tenant.query` entries about a tenant (id or slug), newest first. */
  const trail = async (target: string): Promise<AuditItem[]> => {
    const res = await h
      .cpRequest()
      .get(`/v1/audit?action=tenant.query&target=${encodeURIComponent(target)}&limit=100`)
      .set(ops());
    return res.body.items as AuditItem[];
  };

  /** Where a tenant's rows are, as the owner sees them (no RLS for a superuser): every tenant's, by tenant. */
  const ownerCounts = async (tenant: TenantRecord): Promise<Record<string, number>> => {
    const { database, schema } = tenant.placement;
    const rows = await h.ownerQuery<{ tenant_id: string; n: number }>(
      database,
      `SELECT tenant_id::text, count(*)::int AS n FROM "${schema}".employees GROUP BY 1`,
    );
    return Object.fromEntries(rows.map((r) => [r.tenant_id, r.n]));
  };

  async function seed(tenant: TenantRecord, emails: string[]): Promise<void> {
    const auth = { Authorization: `Bearer ${h.tokenFor(tenant.id)}` };
    for (const email of emails) {
      const res = await h.apiRequest().post('/v1/employees').set(auth).send({ email, fullName: email });
      expect(res.status).toBe(201);
    }
  }

  beforeAll(async () => {
    // The CLI test runs the built CLI; `npm test` builds first, compile here only when run on its own.
    const built = existsSync(join(ROOT, 'dist', 'apps', 'cli', 'src', 'main.js'));
    const build = built ? undefined : promisify(execFile)('npx', ['swc', 'apps', 'libs', '-d', 'dist'], { cwd: ROOT });
    h = await startHarness({ BREAK_GLASS_TIMEOUT_MS: String(TIMEOUT_MS) });
    for (const tier of TIERS) {
      tenants.set(tier, await h.createTenant(`bg-${tier}`, tier));
      neighbours.set(tier, await h.createTenant(`bg-${tier}-next`, tier));
    }
    for (const tier of TIERS) {
      await seed(tenants.get(tier)!, [`a@${tier}.example`, `b@${tier}.example`]);
      await seed(neighbours.get(tier)!, [`secret@${tier}-next.example`]);
    }
    await build;
  });
  afterAll(() => h?.close());

  it.each(TIERS)("returns the tenant's rows only, and records who read what and why (%s)", async (tier) => {
    const tenant = tenants.get(tier)!;
    const res = await query(tenant.slug, 'SELECT email, tenant_id FROM employees ORDER BY email;');
    expect(res.status).toBe(200);
    expect(res.body).toEqual({
      columns: [
        { name: 'email', type: 'text' },
        { name: 'tenant_id', type: 'uuid' },
      ],
      rows: [
        [`a@${tier}.example`, tenant.id],
        [`b@${tier}.example`, tenant.id],
      ],
      rowCount: 2,
      truncated: false,
    });
    // Even when asked for everyone: RLS keeps the neighbour out of the shared table.
    const all = await query(tenant.id, 'SELECT count(*) AS n, count(DISTINCT tenant_id) AS tenants FROM employees');
    expect(all.body.rows).toEqual([['2', '1']]);
    if (tier === 'shared') {
      const counts = await ownerCounts(tenant);
      expect(counts[neighbours.get(tier)!.id]).toBe(1);
    }

    const entry = first(await trail(tenant.id), 'the audit entry of the read');
    expect(entry).toMatchObject({
      action: 'tenant.query',
      actor: 'ops:test',
      outcome: 'succeeded',
      target: tenant.id,
      targetSlug: tenant.slug,
      details: {
        reason: 'INC-42: checking rows',
        statement: 'SELECT count(*) AS n, count(DISTINCT tenant_id) AS tenants FROM employees',
        tier,
        rowCount: 1,
        truncated: false,
      },
    });
  });

  it('answers EXPLAIN without ANALYZE, and caps the rows at 1000', async () => {
    const tenant = tenants.get('schema')!;
    const plan = await query(tenant.slug, 'EXPLAIN (COSTS off) SELECT email FROM employees');
    expect(plan.status).toBe(200);
    expect(plan.body.columns).toEqual([{ name: 'QUERY PLAN', type: 'text' }]);
    expect(plan.body.rows.flat().join('\n')).toMatch(/Scan on employees/);

    const many = await query(tenant.slug, 'SELECT g FROM generate_series(1, 1500) g');
    expect(many.body).toMatchObject({ rowCount: 1000, truncated: true });
    expect(many.body.rows.at(-1)).toEqual(['1000']);
    expect(first(await trail(tenant.id), 'the capped read').details).toMatchObject({ rowCount: 1000, truncated: true });
  });

  /** Each refused statement of one tier, with what the refusal must say. */
  const refusals = (tier: Tier): [string, RegExp][] => {
    const other = neighbours.get(tier)!;
    const otherSchema = tenantStorageNames(other.id).schema;
    return [
      [
        `INSERT INTO employees (tenant_id, id, email, full_name) VALUES ('${other.id}', gen_random_uuid(), 'x', 'x')`,
        /not a read/,
      ],
      ["UPDATE employees SET full_name = 'changed'", /not a read/],
      ['DELETE FROM employees', /not a read/],
      ['WITH gone AS (DELETE FROM employees RETURNING *) SELECT count(*) FROM gone', /writes/],
      ['SELECT 1; SELECT 2', /one statement/],
      ['SELECT 1; DELETE FROM employees', /one statement/],
      ['SELECT * FROM employees FOR UPDATE', /locks rows/],
      ['EXPLAIN ANALYZE SELECT * FROM employees', /ANALYZE/],
      ['SELECT rolname, rolpassword FROM pg_authid', /pg_authid/],
      ['SELECT usename, passwd FROM pg_shadow', /pg_shadow/],
      ['SELECT relname FROM pg_class', /pg_catalog\.pg_class/],
      ['SELECT * FROM switchyard_meta.migrations', /switchyard_meta/],
      [`SELECT email FROM ${otherSchema}.employees`, tier === 'schema' ? new RegExp(otherSchema) : /./],
      // A schema tenant lives in a shared cell: the shared tier's tables are next door, in public.
      ...(tier === 'schema' ? [['SELECT email FROM public.employees', /public\.employees/] as [string, RegExp]] : []),
      [
        `SELECT set_config('switchyard.tenant_id', '${other.id}', true), (SELECT count(*) FROM employees)`,
        /set_config/,
      ],
      // Where EXPLAIN prints no expression (LIMIT, a VALUES list), the context could still be switched.
      [
        `SELECT email FROM employees LIMIT length(set_config('switchyard.tenant_id', '${other.id}', true))`,
        /set_config/,
      ],
      [
        `SELECT e.email FROM (VALUES (set_config('switchyard.tenant_id', '${other.id}', true))) v(x), employees e`,
        /set_config/,
      ],
      ["SELECT set_config('role', 'postgres', true), (SELECT count(*) FROM employees)", /set_config/],
      ["SELECT current_setting('switchyard.tenant_id')", /current_setting/],
      ["SELECT query_to_xml('SELECT * FROM employees', true, true, '')", /query_to_xml/],
      ["SELECT pg_read_file('/etc/passwd')", /pg_read_file/],
      ['SELECT pg_advisory_lock(42)', /pg_advisory_lock/],
      ['SELECT random()', /VOLATILE/],
    ];
  };

  it.each(TIERS)('refuses anything but one read of its own tables, and changes nothing (%s)', async (tier) => {
    const tenant = tenants.get(tier)!;
    const before = await ownerCounts(tenant);
    const neighbourBefore = await ownerCounts(neighbours.get(tier)!);
    for (const [sql, says] of refusals(tier)) {
      // Outside the schema tier, another tenant's schema name simply names nothing.
      if (tier !== 'schema' && sql.includes(tenantStorageNames(neighbours.get(tier)!.id).schema)) continue;
      const res = await query(tenant.slug, sql);
      expect({ sql, status: res.status, code: res.body.code }).toEqual({ sql, status: 422, code: 'QUERY_REFUSED' });
      expect(res.body.detail, sql).toMatch(says);
    }
    expect(await ownerCounts(tenant)).toEqual(before);
    expect(await ownerCounts(neighbours.get(tier)!)).toEqual(neighbourBefore);

    const entry = first(await trail(tenant.id), 'the audit entry of the last refusal');
    expect(entry).toMatchObject({
      outcome: 'failed',
      target: tenant.id,
      details: { code: 'QUERY_REFUSED', statement: 'SELECT random()', reason: 'INC-42: checking rows' },
    });
  });

  it("refuses a view in the tenant's schema, whose own calls the statement's text does not show", async () => {
    const tenant = tenants.get('schema')!;
    const { database, schema } = tenant.placement;
    const other = neighbours.get('schema')!;
    // Readable by the break-glass role through the schema's default privileges, like any table there.
    await h.ownerQuery(
      database,
      `CREATE VIEW "${schema}".sneaky AS
         SELECT e.email, set_config('switchyard.tenant_id', '${other.id}', true) AS switched FROM "${schema}".employees e`,
    );
    try {
      const res = await query(tenant.slug, 'SELECT email FROM sneaky');
      expect(res).toMatchObject({ status: 422, body: { code: 'QUERY_REFUSED' } });
      expect(res.body.detail).toMatch(/sneaky/);
    } finally {
      await h.ownerQuery(database, `DROP VIEW "${schema}".sneaky`);
    }
  });

  it('records failures: a failing statement, the statement timeout, a missing reason, an unknown tenant', async () => {
    const tenant = tenants.get('database')!;
    const broken = await query(tenant.slug, 'SELECT email FROM employees WHERE');
    expect(broken).toMatchObject({ status: 422, body: { code: 'QUERY_FAILED' } });
    expect(first(await trail(tenant.id), 'the failed read')).toMatchObject({
      outcome: 'failed',
      details: { code: 'QUERY_FAILED', sqlstate: '42601', statement: 'SELECT email FROM employees WHERE' },
    });

    const started = Date.now();
    const slow = await query(tenant.slug, 'SELECT count(*) FROM generate_series(1, 2000000000)');
    expect(slow).toMatchObject({ status: 422, body: { code: 'QUERY_FAILED' } });
    expect(slow.body.detail).toMatch(/BREAK_GLASS_TIMEOUT_MS/);
    expect(Date.now() - started).toBeLessThan(TIMEOUT_MS + 10_000);
    expect(first(await trail(tenant.id), 'the timed-out read').details).toMatchObject({
      code: 'QUERY_FAILED',
      sqlstate: '57014',
    });

    const unexplained = await query(tenant.slug, 'SELECT 1', null);
    expect(unexplained).toMatchObject({ status: 400, body: { code: 'VALIDATION_FAILED' } });
    const tooShort = await query(tenant.slug, 'SELECT 2', 'x ');
    expect(tooShort).toMatchObject({ status: 400, body: { code: 'VALIDATION_FAILED' } });
    expect((await trail(tenant.id)).slice(0, 2)).toMatchObject([
      { outcome: 'failed', details: { code: 'VALIDATION_FAILED', statement: 'SELECT 2', reason: 'x' } },
      { outcome: 'failed', details: { code: 'VALIDATION_FAILED', statement: 'SELECT 1' } },
    ]);

    const nobody = await query('bg-nobody', 'SELECT 1');
    expect(nobody).toMatchObject({ status: 404, body: { code: 'TENANT_NOT_FOUND' } });
    expect(await trail('bg-nobody')).toMatchObject([
      { outcome: 'failed', target: null, targetSlug: 'bg-nobody', details: { code: 'TENANT_NOT_FOUND' } },
    ]);
  });

  it('returns no row whose read could not be recorded', async () => {
    const tenant = tenants.get('shared')!;
    const cp = h.config.names.controlDatabase;
    await h.ownerQuery(
      cp,
      `CREATE FUNCTION test_refuse_break_glass() RETURNS trigger LANGUAGE plpgsql AS $$
       BEGIN
         IF NEW.action = 'tenant.query' AND NEW.outcome = 'succeeded' THEN RAISE EXCEPTION 'audit refuses (test)'; END IF;
         RETURN NEW;
       END $$`,
    );
    await h.ownerQuery(
      cp,
      'CREATE TRIGGER test_refuse_break_glass BEFORE INSERT ON audit_log FOR EACH ROW EXECUTE FUNCTION test_refuse_break_glass()',
    );
    try {
      const res = await query(tenant.slug, 'SELECT email FROM employees');
      expect(res.status).toBe(500);
      expect(JSON.stringify(res.body)).not.toContain('@shared.example');
      // The attempt itself is still on file, as failed.
      expect(first(await trail(tenant.id), 'the unrecorded read')).toMatchObject({
        outcome: 'failed',
        details: { code: 'ERROR', statement: 'SELECT email FROM employees' },
      });
    } finally {
      await h.ownerQuery(cp, 'DROP TRIGGER test_refuse_break_glass ON audit_log');
      await h.ownerQuery(cp, 'DROP FUNCTION test_refuse_break_glass()');
    }
  });

  it('uses a role that cannot write, log in or bypass RLS, whoever reaches it (and the doctor watches it)', async () => {
    const role = h.config.names.breakGlassRole;
    const [attributes] = await h.ownerQuery(
      'postgres',
      'SELECT rolcanlogin, rolsuper, rolbypassrls, rolcreatedb, rolcreaterole, rolreplication FROM pg_roles WHERE rolname = $1',
      [role],
    );
    expect(attributes).toEqual({
      rolcanlogin: false,
      rolsuper: false,
      rolbypassrls: false,
      rolcreatedb: false,
      rolcreaterole: false,
      rolreplication: false,
    });
    for (const tier of TIERS) {
      const tenant = tenants.get(tier)!;
      const { database, schema } = tenant.placement;
      for (const write of [
        `INSERT INTO "${schema}".employees (tenant_id, id, email, full_name) VALUES ('${tenant.id}', gen_random_uuid(), 'x@x', 'x')`,
        `UPDATE "${schema}".employees SET full_name = 'x'`,
        `DELETE FROM "${schema}".employees`,
        `TRUNCATE "${schema}".employees`,
        `CREATE TABLE "${schema}".intruder (id int)`,
      ]) {
        const refused = await withOwnerClient(withDatabase(h.config.databaseUrl, database), async (client) => {
          await client.query('BEGIN');
          try {
            await client.query(`SELECT set_config('switchyard.tenant_id', $1, true)`, [tenant.id]);
            await client.query(`SET LOCAL ROLE ${role}`);
            await client.query(write);
            return null;
          } catch (error) {
            return (error as { code?: string; message: string }).message;
          } finally {
            await client.query('ROLLBACK');
          }
        });
        expect(refused, `${tier}: ${write}`).toMatch(/permission denied/);
      }
    }
    // NOLOGIN: even with the right name, nobody connects as it.
    const direct = new Client({ connectionString: withCredentials(h.config.databaseUrl, role, 'anything') });
    await expect(direct.connect()).rejects.toThrow(/not permitted to log in|password authentication failed/);
    await direct.end().catch(() => undefined);

    const doctor = h.controlPlane.get(DoctorService);
    expect((await doctor.run()).findings.filter((f) => f.code.startsWith('BREAK_GLASS'))).toEqual([]);
    const { database, schema } = tenants.get('schema')!.placement;
    await h.ownerQuery(database, `GRANT INSERT ON "${schema}".employees TO ${role}`);
    try {
      const report = await doctor.run();
      expect(report.findings.filter((f) => f.code.startsWith('BREAK_GLASS'))).toEqual([
        expect.objectContaining({ code: 'BREAK_GLASS_ROLE_WRITABLE', object: `${schema}.employees` }),
      ]);
    } finally {
      await h.ownerQuery(database, `REVOKE INSERT ON "${schema}".employees FROM ${role}`);
    }
  });

  it('works from the CLI, in a process of its own: a table, --json, and a usage error without --reason', async () => {
    const env = cliEnv(h.config);
    const tenant = tenants.get('shared')!;
    const table = await runCli(
      ['tenants', 'query', tenant.slug, '--reason', 'INC-7: from the CLI', 'SELECT email FROM employees ORDER BY 1'],
      env,
    );
    expect(table.stderr).toBe('');
    expect(table.code).toBe(0);
    expect(table.stdout).toBe('EMAIL\na@shared.example\nb@shared.example\n(2 rows)\n');
    const entry = first(await trail(tenant.slug), 'the CLI read');
    expect(entry).toMatchObject({ outcome: 'succeeded', details: { reason: 'INC-7: from the CLI', rowCount: 2 } });
    expect(entry.actor).toMatch(/^cli:/);

    const json = await runCli(
      ['tenants', 'query', tenant.id, '--reason', 'INC-7: as JSON', '--json', 'SELECT count(*) FROM employees'],
      env,
    );
    expect(json.code).toBe(0);
    expect(JSON.parse(json.stdout)).toEqual({
      columns: [{ name: 'count', type: 'bigint' }],
      rows: [['2']],
      rowCount: 1,
      truncated: false,
    });

    const noReason = await runCli(['tenants', 'query', tenant.slug, 'SELECT 1'], env);
    expect(noReason.code).toBe(2);
    expect(noReason.stderr).toMatch(/--reason/);
  });
});
