import type { TenantRecord } from '@switchyard/control-plane';

export function printJson(value: unknown): void {
  process.stdout.write(`${JSON.stringify(value, null, 2)}\n`);
}

/** A plain aligned table for terminals and logs. */
export function printTable(rows: Record<string, string | number | null | undefined>[]): void {
  if (rows.length === 0) {
    process.stdout.write('(none)\n');
    return;
  }
  const headers = Object.keys(rows[0]);
  const widths = headers.map((h) => Math.max(h.length, ...rows.map((r) => String(r[h] ?? '').length)));
  const line = (cells: string[]) =>
    cells
      .map((c, i) => c.padEnd(widths[i]))
      .join('  ')
      .trimEnd();
  process.stdout.write(`${line(headers.map((h) => h.toUpperCase()))}\n`);
  for (const row of rows) process.stdout.write(`${line(headers.map((h) => String(row[h] ?? '')))}\n`);
}

export function tenantRow(t: TenantRecord): Record<string, string | number | null> {
  return {
    slug: t.slug,
    name: t.name,
    tier: t.tier,
    status: t.status,
    server: t.placement.server,
    database: t.placement.database,
    schema: t.placement.schema,
    version: t.version,
    id: t.id,
  };
}

export function tenantJson(t: TenantRecord) {
  return {
    id: t.id,
    slug: t.slug,
    name: t.name,
    status: t.status,
    tier: t.tier,
    placement: t.placement,
    version: t.version,
    schemaVersion: t.schemaVersion,
  };
}
