import { createReadStream, createWriteStream } from 'node:fs';
import { mkdtemp, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { ArchiveService, type ArchiveManifest } from '@switchyard/archive';
import { ServerDirectory, type TenantRecord, type Tier } from '@switchyard/control-plane';
import { inTransaction, withOwnerClient } from '@switchyard/postgres';
import { TenantLifecycleService } from '@switchyard/provisioning';
import { from as copyFrom, to as copyTo } from 'pg-copy-streams';
import { startBenchInstallation } from '../bench-installation';

export interface ArchiveBenchResult {
  what: 'export' | 'import';
  tier: Tier;
  rows: number;
  /** Size of the archive. */
  bytes: number;
  seconds: number;
  /** A bare COPY of the same rows in the same order: the budget's baseline. */
  bareCopySeconds: number;
  ratio: number;
  /** For an export, a bare COPY of the same rows in whatever order the scan finds them. */
  unorderedCopySeconds?: number;
}

const EXPORT_ROUNDS = 3;

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;

/** The tables and columns of the sample domain, as a bare COPY names them (tenant_id left to its default). */
const TABLES = [
  { name: 'employees', columns: '"id", "email", "full_name", "created_at", "updated_at"' },
  {
    name: 'wellness_entries',
    columns: '"id", "employee_id", "kind", "value", "logged_on", "notes", "created_at"',
  },
];

/**
 * The baseline of an export: each table's rows with a bare COPY TO into a file, nothing else — in the
 * archive's order (by primary key, which makes digests equal in every tier), or as the scan finds them.
 */
async function bareExport(
  servers: ServerDirectory,
  tenant: TenantRecord,
  dir: string,
  ordered: boolean,
): Promise<number> {
  const { server, database, schema } = tenant.placement;
  const started = performance.now();
  await withOwnerClient(servers.ownerUrl(server, database), async (client) => {
    for (const table of TABLES)
      await pipeline(
        client.query(
          copyTo(
            `COPY (SELECT ${table.columns} FROM "${schema}"."${table.name}" WHERE tenant_id = '${tenant.id}'` +
              `${ordered ? ' ORDER BY id' : ''}) TO STDOUT`,
          ),
        ),
        createWriteStream(join(dir, `${table.name}.copy`)),
      );
  });
  return (performance.now() - started) / 1000;
}

/** The baseline of an import: the same rows with a bare COPY FROM into an empty tenant of the same tier. */
async function bareImport(servers: ServerDirectory, tenant: TenantRecord, dir: string): Promise<number> {
  const { server, database, schema } = tenant.placement;
  const started = performance.now();
  await withOwnerClient(servers.ownerUrl(server, database), (client) =>
    inTransaction(client, async () => {
      await client.query("SELECT set_config('switchyard.tenant_id', $1, true)", [tenant.id]);
      for (const table of TABLES)
        await pipeline(
          createReadStream(join(dir, `${table.name}.copy`)),
          client.query(copyFrom(`COPY "${schema}"."${table.name}" (${table.columns}) FROM STDIN`)),
        );
    }),
  );
  return (performance.now() - started) / 1000;
}

/**
 * The archive rows of BENCHMARKS.md: a tenant of `rows` rows (a quarter employees, the rest wellness
 * entries) exported from the shared tier into a file, and the file imported into a new tenant of the
 * database tier, each against a bare COPY of the same rows (budget ≤ 2×).
 */
export async function archiveBench(
  databaseUrl: string,
  rows: number,
  log: (line: string) => void,
): Promise<ArchiveBenchResult[]> {
  const install = await startBenchInstallation(databaseUrl, 'bencharchive');
  const cp = install.controlPlane;
  const servers = cp.get(ServerDirectory);
  const lifecycle = cp.get(TenantLifecycleService);
  const archives = cp.get(ArchiveService);
  const dir = await mkdtemp(join(tmpdir(), 'bench-archive-'));
  try {
    const { tenant } = await lifecycle.create({ slug: 'bench-archive', name: 'Archive', tier: 'shared' });
    const employees = Math.floor(rows / 4);
    const started = Date.now();
    await withOwnerClient(servers.ownerUrl(tenant.placement.server, tenant.placement.database), async (c) => {
      await c.query(
        `INSERT INTO public.employees (tenant_id, id, email, full_name)
         SELECT $1, gen_random_uuid(), 'p' || i || '@archive.io', 'Person ' || i FROM generate_series(1, $2) AS i`,
        [tenant.id, employees],
      );
      await c.query(
        `INSERT INTO public.wellness_entries (tenant_id, employee_id, kind, value, logged_on)
         SELECT $1, e.id, k.kind, 42.5, date '2026-01-01' + (random() * 300)::int
           FROM public.employees e CROSS JOIN (VALUES ('steps'), ('mood'), ('water_ml')) AS k(kind)
          WHERE e.tenant_id = $1`,
        [tenant.id],
      );
      await c.query('ANALYZE public.employees; ANALYZE public.wellness_entries');
    });
    log(`  loaded ${employees * 4} rows in ${((Date.now() - started) / 1000).toFixed(1)} s`);

    // Alternating rounds, the median of each: the first reads of the rows warm the cache for all.
    const file = join(dir, 'bench-archive.tar');
    const bare: number[] = [];
    const unordered: number[] = [];
    const routed: number[] = [];
    let manifest: ArchiveManifest | undefined;
    for (let round = 0; round < EXPORT_ROUNDS; round++) {
      unordered.push(await bareExport(servers, tenant, dir, false));
      bare.push(await bareExport(servers, tenant, dir, true));
      const t0 = performance.now();
      manifest = await archives.export(tenant.slug, createWriteStream(file));
      routed.push((performance.now() - t0) / 1000);
    }
    const [bareExportSeconds, exportSeconds] = [median(bare), median(routed)];
    const total = manifest!.tables.reduce((n, t) => n + t.rows, 0);
    const bytes = (await stat(file)).size;

    const { tenant: empty } = await lifecycle.create({ slug: 'bench-bare', name: 'Bare', tier: 'database' });
    const bareImportSeconds = await bareImport(servers, empty, dir);
    const t0 = performance.now();
    await archives.import(file, { slug: 'bench-restored', tier: 'database' });
    const importSeconds = (performance.now() - t0) / 1000;

    const results: ArchiveBenchResult[] = [
      {
        what: 'export',
        tier: 'shared',
        rows: total,
        bytes,
        seconds: exportSeconds,
        bareCopySeconds: bareExportSeconds,
        ratio: exportSeconds / bareExportSeconds,
        unorderedCopySeconds: median(unordered),
      },
      {
        what: 'import',
        tier: 'database',
        rows: total,
        bytes,
        seconds: importSeconds,
        bareCopySeconds: bareImportSeconds,
        ratio: importSeconds / bareImportSeconds,
      },
    ];
    for (const r of results)
      log(
        `  ${r.what} (${r.tier}): ${r.rows} rows, ${(r.bytes / 2 ** 20).toFixed(0)} MiB in ${r.seconds.toFixed(1)} s ` +
          `(bare COPY ${r.bareCopySeconds.toFixed(1)} s, ${r.ratio.toFixed(2)}×` +
          `${r.unorderedCopySeconds ? `; unordered ${r.unorderedCopySeconds.toFixed(1)} s` : ''})`,
      );
    return results;
  } finally {
    await rm(dir, { recursive: true, force: true });
    await install.close();
  }
}
