import type { TenantRecord } from '@switchyard/control-plane';

export function printJson(value: unknown): void {
  process.stdout.write(`${JSON.stringify(value, null, 2)}\n`);
}

type TableRow = Record<string, string | number | null | undefined>;

/**
 * A plain aligned table for terminals and logs: the first row's keys are the columns (upper-cased as
 * headers), each as wide as its widest cell; missing and null cells are blank; no trailing spaces.
 */
export function formatTable(rows: TableRow[]): string {
  const [first] = rows;
  if (!first) return '(none)\n';
  const columns = Object.keys(first).map((key) => ({
    key,
    width: Math.max(key.length, ...rows.map((r) => String(r[key] ?? '').length)),
  }));
  const line = (cell: (key: string) => string) =>
    columns
      .map((c) => cell(c.key).padEnd(c.width))
      .join('  ')
      .trimEnd();
  const lines = [line((key) => key.toUpperCase()), ...rows.map((row) => line((key) => String(row[key] ?? '')))];
  return lines.map((l) => `${l}\n`).join('');
}

export function printTable(rows: TableRow[]): void {
  process.stdout.write(formatTable(rows));
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
