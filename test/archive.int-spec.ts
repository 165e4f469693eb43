import { randomUUID } from 'node:crypto';
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { PassThrough } from 'node:stream';
import { promisify } from 'node:util';
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ArchiveService, type ArchiveManifest } from '@switchyard/archive';
import { TenantsRepository, type TenantRecord, type Tier } from '@switchyard/control-plane';
import { DoctorService } from '@switchyard/doctor';
import { TenantDb } from '@switchyard/tenancy';
import { binaryBody, entriesOf, manifestOf, tarOf, withConsistentEdit } from './support/archives';
import { cliEnv, runCli } from './support/cli';
import { startHarness, type Harness } from './support/harness';
import { waitFor } from './support/wait';

/**
 * Tenant archives: a tenant exported from any tier while it is written to, restored into every other
 * tier, answers like the original did at the snapshot — same ids, same rows, same digests. A damaged
 * archive changes nothing; a replace ends with the archive's data or with what was there.
 */

const TIERS: Tier[] = ['shared', 'schema', 'database'];
const ROOT = resolve(__dirname, '..');

interface Row {
  id: string;
  [field: string]: unknown;
}

/** Rows through the router as the application role: `employees` employees, each with two wellness entries. */
async function seed(h: Harness, tenant: TenantRecord, employees: number): Promise<void> {
  await h.api.get(TenantDb).transactionFor(tenant.id, async (tx) => {
    await tx.db.execute(
      sql`INSERT INTO employees (email, full_name)
          SELECT 'p' || i || ${`@${tenant.slug}.io`}, 'Person ' || i FROM generate_series(1, ${employees}) AS i`,
    );
    await tx.db.execute(
      sql`INSERT INTO wellness_entries (employee_id, kind, value, logged_on, notes)
          SELECT e.id, k.kind, 7.5, date '2026-01-01' + (row_number() OVER ())::int % 300, CASE WHEN k.kind = 'mood' THEN E'tab\\there\\nand a line' END
            FROM employees e CROSS JOIN (VALUES ('steps'), ('mood')) AS k(kind)`,
    );
  });
}

/** A writer through the tenant API: an employee, then an entry for them, until stopped. */
function startWriter(h: Harness, tenant: TenantRecord) {
  const auth = { Authorization: `Bearer ${h.tokenFor(tenant.id)}` };
  const state = { running: true, ids: new Set<string>(), errors: [] as string[] };
  const done = (async () => {
    for (let i = 0; state.running; i++) {
      const employee = await h
        .apiRequest()
        .post('/v1/employees')
        .set(auth)
        .send({ email: `w${i}@writer.io`, fullName: `Writer ${i}` });
      if (employee.status !== 201) state.errors.push(`employee: ${employee.status} ${employee.text}`);
      else state.ids.add((employee.body as Row).id);
      if (employee.status !== 201) continue;
      const entry = await h
        .apiRequest()
        .post('/v1/wellness-entries')
        .set(auth)
        .send({ employeeId: (employee.body as Row).id, kind: 'water_ml', value: i, loggedOn: '2026-02-01' });
      if (entry.status !== 201) state.errors.push(`entry: ${entry.status} ${entry.text}`);
      else state.ids.add((entry.body as Row).id);
    }
  })();
  return {
    state,
    stop: async () => {
      state.running = false;
      await done;
      return state;
    },
  };
}

/** Every row of a list endpoint, page by page, as the tenant API answers it. */
async function listAll(h: Harness, tenant: TenantRecord, path: string): Promise<Row[]> {
  const auth = { Authorization: `Bearer ${h.tokenFor(tenant.id)}` };
  const rows: Row[] = [];
  for (let cursor: string | null = null; ;) {
    const query: string = `${path}?limit=100${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`;
    const res = await h.apiRequest().get(query).set(auth).expect(200);
    const page = res.body as { items: Row[]; nextCursor: string | null };
    rows.push(...page.items);
    cursor = page.nextCursor;
    if (!cursor) return rows;
  }
}

const view = async (h: Harness, tenant: TenantRecord) => ({
  employees: await listAll(h, tenant, '/v1/employees'),
  entries: await listAll(h, tenant, '/v1/wellness-entries'),
});

/** An archive through the service, in memory. */
async function exported(h: Harness, ref: string): Promise<Buffer> {
  const out = new PassThrough();
  const chunks: Buffer[] = [];
  out.on('data', (chunk: Buffer) => chunks.push(chunk));
  await h.controlPlane.get(ArchiveService).export(ref, out);
  return Buffer.concat(chunks);
}

const digests = (m: ArchiveManifest) =>
  m.tables.map(({ name, columns, rows, sha256 }) => ({ name, columns, rows, sha256 }));
const rowsOf = (m: ArchiveManifest, table: string) => m.tables.find((t) => t.name === table)?.rows;

describe('tenant archives', () => {
  let h: Harness;
  let ops: { Authorization: string };
  let dir: string;

  beforeAll(async () => {
    h = await startHarness({ MOVE_WORKER: 'false' });
    ops = { Authorization: `Bearer ${h.opsToken()}` };
    dir = await mkdtemp(join(tmpdir(), 'archive-test-'));
  });
  afterAll(async () => {
    await h?.close();
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  const importArchive = (archive: Buffer, query: string) =>
    h.cpRequest().post(`/v1/tenants/import?${query}`).set(ops).set('Content-Type', 'application/x-tar').send(archive);

  it('exports each tier under writes; each copy in every other tier answers like the original at its snapshot', async () => {
    const originals = await Promise.all(TIERS.map((tier) => h.createTenant(`arc-${tier}`, tier)));
    for (const tenant of originals) await seed(h, tenant, 500);
    const writers = originals.map((tenant) => startWriter(h, tenant));
    const archives: { archive: Buffer; before: Set<string>; writtenDuring: number }[] = [];
    try {
      for (const [i, tenant] of originals.entries()) {
        const writer = writers[i]!.state;
        while (writer.ids.size < 6) await new Promise((resolve) => setImmediate(resolve));
        const before = new Set(writer.ids);
        const res = await h
          .cpRequest()
          .get(`/v1/tenants/${tenant.slug}/export`)
          .set(ops)
          .buffer(true)
          .parse(binaryBody)
          .expect(200);
        expect(res.headers['content-type']).toMatch(/^application\/x-tar/);
        expect(res.headers['content-disposition']).toMatch(
          new RegExp(`^attachment; filename="${tenant.slug}-\\d{8}T\\d{6}Z\\.tar"$`),
        );
        archives.push({ archive: res.body as Buffer, before, writtenDuring: writer.ids.size - before.size });
      }
    } finally {
      for (const writer of writers) expect((await writer.stop()).errors).toEqual([]);
    }
    // The writers did write while the snapshots were taken.
    expect(archives.reduce((n, a) => n + a.writtenDuring, 0)).toBeGreaterThan(0);

    for (const [i, original] of originals.entries()) {
      const { archive, before } = archives[i]!;
      const manifest = await manifestOf(archive);
      expect(manifest).toMatchObject({
        format: 'switchyard-tenant-archive',
        formatVersion: 1,
        schemaVersion: '0003_replay_location',
        tenant: { id: original.id, slug: original.slug, name: original.name, tier: original.tier },
      });
      expect(manifest.tables.map((t) => t.name)).toEqual(['employees', 'idempotency_keys', 'wellness_entries']);
      expect(manifest.tables[0]!.columns).toEqual(['id', 'email', 'full_name', 'created_at', 'updated_at']);
      const now = await view(h, original);
      const written = writers[i]!.state.ids;
      for (const tier of TIERS.filter((t) => t !== original.tier)) {
        const res = await importArchive(archive, `slug=${original.slug}-to-${tier}&tier=${tier}`).expect(201);
        expect(res.body).toMatchObject({ replaced: false, tenant: { tier, name: original.name } });
        const copy = (await h.controlPlane.get(TenantsRepository).findById((res.body as { tenant: Row }).tenant.id))!;
        const copied = await view(h, copy);
        for (const [kind, table] of [
          ['employees', 'employees'],
          ['entries', 'wellness_entries'],
        ] as const) {
          // Same ids, same rows: the copy is the original as it was at the snapshot...
          const originalById = new Map(now[kind].map((r) => [r.id, r]));
          for (const row of copied[kind]) expect(originalById.get(row.id)).toEqual(row);
          expect(copied[kind]).toHaveLength(rowsOf(manifest, table)!);
          // ...which holds everything acknowledged before the export began, and misses only the writers' later rows.
          const copiedIds = new Set(copied[kind].map((r) => r.id));
          for (const id of before) if (originalById.has(id)) expect(copiedIds.has(id)).toBe(true);
          for (const row of now[kind]) if (!copiedIds.has(row.id)) expect(written.has(row.id)).toBe(true);
        }
        // Exported again from its new tier, the copy gives byte-identical tables.
        expect(digests(await manifestOf(await exported(h, copy.slug)))).toEqual(digests(manifest));
      }
    }
    const audit = await h.cpRequest().get('/v1/audit?action=tenant.export&target=arc-database').set(ops).expect(200);
    expect((audit.body as { items: unknown[] }).items).toEqual([
      expect.objectContaining({
        actor: 'ops:test',
        outcome: 'succeeded',
        details: expect.objectContaining({ tier: 'database' }),
      }),
    ]);
  });

  it('refuses a truncated, edited or foreign archive with ARCHIVE_INVALID, and creates nothing', async () => {
    const tenant = await h.createTenant('arc-damaged', 'schema');
    await seed(h, tenant, 50);
    const archive = await exported(h, tenant.slug);
    const entries = await entriesOf(archive);
    const flipped = entries.map((e) => ({ ...e, data: Buffer.from(e.data) }));
    const employeesData = flipped[1]!.data;
    employeesData.writeUInt8(employeesData.readUInt8(10) ^ 1, 10); // one bit of the employees' data
    const manifest = JSON.parse(entries[0]!.data.toString()) as ArchiveManifest;
    const withManifest = async (m: object) =>
      tarOf([{ name: 'manifest.json', data: Buffer.from(JSON.stringify(m)) }, ...entries.slice(1)]);
    const damaged: [string, Buffer, RegExp][] = [
      [
        'truncated',
        archive.subarray(0, Math.floor(archive.length / 2)),
        /damaged or truncated: Unexpected end of data/,
      ],
      ['cut after a table', await tarOf(entries.slice(0, -1)), /truncated: table wellness_entries is missing/],
      ['a flipped bit', await tarOf(flipped), /employees does not match the manifest/],
      [
        'an edited row count',
        await withManifest({ ...manifest, tables: manifest.tables.map((t) => ({ ...t, rows: t.rows + 1 })) }),
        /does not match/,
      ],
      [
        'another format version',
        await withManifest({ ...manifest, formatVersion: 2 }),
        /format version 2 is not supported/,
      ],
      ['an unknown schema version', await withManifest({ ...manifest, schemaVersion: '0099_future' }), /0099_future/],
      [
        'not an archive',
        Buffer.from('hello, this is not a tar file\n'.repeat(40)),
        /damaged or truncated: Invalid tar header/,
      ],
      ['a tar of something else', await tarOf([{ name: 'notes.txt', data: Buffer.from('hi') }]), /not manifest\.json/],
      ['nothing', Buffer.alloc(0), /empty/],
    ];
    const tenantsBefore = (await h.cpRequest().get('/v1/tenants').set(ops).expect(200)).body as { total: number };
    for (const [what, body, detail] of damaged) {
      const res = await importArchive(body, 'slug=arc-restored&tier=database');
      expect([res.status, (res.body as { code?: string }).code], what).toEqual([422, 'ARCHIVE_INVALID']);
      expect((res.body as { detail: string }).detail, what).toMatch(detail);
    }
    await h.cpRequest().get('/v1/tenants/arc-restored').set(ops).expect(404);
    const tenantsAfter = (await h.cpRequest().get('/v1/tenants').set(ops).expect(200)).body as { total: number };
    expect(tenantsAfter.total).toBe(tenantsBefore.total);
    const created = await h.cpRequest().get('/v1/audit?action=tenant.create&target=arc-restored').set(ops).expect(200);
    expect((created.body as { items: unknown[] }).items).toEqual([]);
    const refused = await h.cpRequest().get('/v1/audit?action=tenant.import&target=arc-restored').set(ops).expect(200);
    expect((refused.body as { items: { outcome: string }[] }).items).toHaveLength(damaged.length);
    // The route takes archives only; JSON there is a 415 naming the type it wants.
    const json = await h.cpRequest().post('/v1/tenants/import?slug=arc-json&tier=shared').set(ops).send({ a: 1 });
    expect([json.status, json.headers.accept]).toEqual([415, 'application/x-tar']);
  });

  it('replaces a tenant’s data atomically: a replace failing on its last table leaves the old rows', async () => {
    const target = await h.createTenant('arc-target', 'shared');
    const neighbour = await h.createTenant('arc-neighbour', 'shared');
    const source = await h.createTenant('arc-source', 'database');
    await seed(h, target, 40);
    await seed(h, neighbour, 10);
    await seed(h, source, 60);
    const archive = await exported(h, source.slug);
    const [targetBefore, neighbourBefore] = [await view(h, target), await view(h, neighbour)];

    // Every digest vouches for it, but its last row points at an employee that does not exist: the
    // replace has deleted the target's rows and loaded all but that row when PostgreSQL refuses it.
    const lastRowBroken = await withConsistentEdit(archive, 'wellness_entries', (text) => {
      const lines = text.trimEnd().split('\n');
      const fields = lines.at(-1)!.split('\t');
      fields[1] = randomUUID();
      lines[lines.length - 1] = fields.join('\t');
      return `${lines.join('\n')}\n`;
    });
    const failed = await importArchive(lastRowBroken, `replace=${target.slug}`);
    expect([failed.status, (failed.body as { code: string }).code]).toEqual([422, 'ARCHIVE_INVALID']);
    expect((failed.body as { detail: string }).detail).toMatch(/wellness_entries cannot be restored/);
    expect(await view(h, target)).toEqual(targetBefore);
    expect((await h.controlPlane.get(TenantsRepository).findById(target.id))!.state).toBe('ready');

    // With a writer at the target all along: what it wrote before the replace is gone, what it began
    // after the replace is there, and nothing else is.
    const writes = {
      running: true,
      replaced: false,
      before: [] as string[],
      after: [] as string[],
      refused: [] as string[],
    };
    const auth = { Authorization: `Bearer ${h.tokenFor(target.id)}` };
    const writer = (async () => {
      for (let i = 0; writes.running; i++) {
        const late = writes.replaced;
        const res = await h
          .apiRequest()
          .post('/v1/employees')
          .set(auth)
          .send({ email: `r${i}@writer.io`, fullName: 'W' });
        if (res.status === 201) (late ? writes.after : writes.before).push((res.body as Row).id);
        // Held while frozen, then 503 with Retry-After: clients retry through a replace.
        else writes.refused.push(`${res.status} ${(res.body as { code?: string }).code}`);
      }
    })();
    try {
      await waitFor(
        () => writes.before.length,
        (n) => n >= 3,
        { what: 'the writer to write' },
      );
      const acknowledged = [...writes.before];
      const replaced = await importArchive(archive, `replace=${target.id}`).expect(200);
      writes.replaced = true;
      expect(replaced.body).toMatchObject({
        replaced: true,
        tenant: { id: target.id, slug: target.slug, tier: 'shared' },
      });
      const before = targetBefore.employees.length + targetBefore.entries.length + acknowledged.length;
      expect((replaced.body as { deleted: number }).deleted).toBeGreaterThanOrEqual(before);
      await waitFor(
        () => writes.after.length,
        (n) => n >= 3,
        { what: 'writes after the replace' },
      );
      writes.running = false;
      await writer;
      expect(
        writes.refused.every((r) => r === '503 TENANT_FROZEN'),
        writes.refused.join(),
      ).toBe(true);
      const [after, sourceView] = [await view(h, target), await view(h, source)];
      expect(after.entries).toEqual(sourceView.entries);
      const ids = new Set(after.employees.map((e) => e.id));
      for (const id of acknowledged) expect(ids.has(id)).toBe(false);
      for (const id of writes.after) expect(ids.has(id)).toBe(true);
      const sourceIds = new Set(sourceView.employees.map((e) => e.id));
      const written = new Set([...writes.before, ...writes.after]);
      for (const employee of after.employees) expect(sourceIds.has(employee.id) || written.has(employee.id)).toBe(true);
      for (const employee of sourceView.employees) expect(after.employees).toContainEqual(employee);
    } finally {
      writes.running = false;
      await writer;
    }
    expect(await view(h, neighbour)).toEqual(neighbourBefore);
    expect((await h.controlPlane.get(TenantsRepository).findById(target.id))!.state).toBe('ready');
    // No fence, trigger or stray row left behind anywhere.
    expect((await h.controlPlane.get(DoctorService).run()).findings).toEqual([]);
  });

  it('exports and imports through the CLI, each in a process of its own; bad arguments exit 2', async () => {
    if (!existsSync(join(ROOT, 'dist', 'apps', 'cli', 'src', 'main.js')))
      await promisify(execFile)('npx', ['swc', 'apps', 'libs', '-d', 'dist'], { cwd: ROOT });
    const env = cliEnv(h.config);
    const tenant = await h.createTenant('arc-cli', 'schema');
    await seed(h, tenant, 30);
    const file = join(dir, 'arc-cli.tar');

    const exportRun = await runCli(['tenants', 'export', tenant.slug, '--out', file], env);
    expect(exportRun.code, exportRun.stderr).toBe(0);
    expect(exportRun.stdout).toMatch(/^exported arc-cli \(schema, at 0003_replay_location\): 3 tables, 90 rows/);
    expect(exportRun.stderr).toMatch(/snapshot \d+\/90 rows/);
    const importRun = await runCli(['tenants', 'import', file, '--slug', 'arc-cli-copy', '--tier', 'database'], env);
    expect(importRun.code, importRun.stderr).toBe(0);
    expect(importRun.stdout).toMatch(/^created arc-cli-copy \(database\) from .*: 90 rows/);
    const copy = (await h.controlPlane.get(TenantsRepository).findBySlug('arc-cli-copy'))!;
    expect(await view(h, copy)).toEqual(await view(h, tenant));

    const usage = [
      ['tenants', 'export', tenant.slug],
      ['tenants', 'export', tenant.slug, '--out', join(dir, 'no-such-folder', 'arc.tar')],
      ['tenants', 'import', file, '--slug', 'arc-cli-bad', '--tier', 'bogus'],
      ['tenants', 'import', file],
      ['tenants', 'import', file, '--replace', tenant.slug, '--tier', 'shared'],
      ['tenants', 'import', join(dir, 'missing.tar'), '--slug', 'arc-cli-bad', '--tier', 'shared'],
    ];
    for (const args of usage) {
      const run = await runCli(args, env);
      expect(run.code, `${args.join(' ')}: ${run.stderr}`).toBe(2);
    }
    await writeFile(join(dir, 'cut.tar'), (await readFile(file)).subarray(0, 2000));
    const damaged = await runCli(
      ['tenants', 'import', join(dir, 'cut.tar'), '--slug', 'arc-cli-bad', '--tier', 'shared'],
      env,
    );
    expect([damaged.code, damaged.stderr]).toEqual([1, expect.stringContaining('ARCHIVE_INVALID')]);
    expect(await h.controlPlane.get(TenantsRepository).findBySlug('arc-cli-bad')).toBeUndefined();

    const audit = await h.cpRequest().get('/v1/audit?target=arc-cli').set(ops).expect(200);
    expect((audit.body as { items: { action: string; actor: string }[] }).items).toContainEqual(
      expect.objectContaining({ action: 'tenant.export', actor: expect.stringMatching(/^cli:/) }),
    );
  });
});
