import { DomainError } from '@switchyard/errors';
import type { ArchiveManifest, ManifestTable } from './archive-format';
import type { Rename } from './migration-renames';
import { TENANT_COLUMN, type TableShape } from './tenant-rows.sql';

/** How one table of an archive is loaded: into which current table, by which current column names. */
export interface TablePlan {
  archived: ManifestTable;
  /** The table's name now. */
  table: string;
  /** The archive's columns under their names now, in the archive's order (the COPY column list). */
  columns: string[];
}

const invalid = (message: string) => new DomainError('ARCHIVE_INVALID', message);

/** A table's name and columns at the current version, following the renames in order. */
function renamed(table: ManifestTable, renames: readonly Rename[]): { table: string; columns: string[] } {
  let name = table.name;
  let columns = [...table.columns];
  for (const rename of renames) {
    if (rename.kind === 'table' && rename.from === name) name = rename.to;
    if (rename.kind === 'column' && rename.table === name)
      columns = columns.map((c) => (c === rename.from ? rename.to : c));
  }
  return { table: name, columns };
}

/**
 * Matches an archive to the current schema by NAME (docs/archive-format.md, "Older archives"): each
 * archived table and column must exist now under its own name or the one a later migration renamed it
 * to; a current column the archive lacks (added by a later migration) takes its default, so it must have
 * one or be nullable. Anything else is refused before a row is loaded.
 */
export function planLoad(
  manifest: ArchiveManifest,
  current: ReadonlyMap<string, TableShape>,
  renames: readonly Rename[],
  currentVersion: string | null,
): TablePlan[] {
  const at = `the current schema (${currentVersion ?? 'no migration'})`;
  const plans: TablePlan[] = [];
  for (const archived of manifest.tables) {
    const { table, columns } = renamed(archived, renames);
    const shape = current.get(table);
    if (!shape)
      throw invalid(`Table ${archived.name} of the archive (${manifest.schemaVersion}) is not a tenant table of ${at}`);
    if (plans.some((p) => p.table === table)) throw invalid(`Two tables of the archive would both load into ${table}`);
    const byName = new Map(shape.columns.map((c) => [c.name, c]));
    columns.forEach((column, i) => {
      const found = byName.get(column);
      if (!found || found.generated || column === TENANT_COLUMN)
        throw invalid(
          `Column ${archived.name}.${archived.columns[i]} of the archive (${manifest.schemaVersion}) is not in ${at}, and no migration since renamed it`,
        );
    });
    const tenantColumn = byName.get(TENANT_COLUMN);
    if (!tenantColumn?.hasDefault)
      throw new DomainError(
        'VALIDATION_FAILED',
        `${table}.${TENANT_COLUMN} has no default reading switchyard.tenant_id; tenant tables need one to be restored`,
      );
    const missing = shape.columns.filter(
      (c) => c.name !== TENANT_COLUMN && !c.generated && c.notNull && !c.hasDefault && !columns.includes(c.name),
    );
    if (missing.length)
      throw invalid(
        `${table}.${missing[0]!.name} is required in ${at} without a default, and the archive (${manifest.schemaVersion}) has no value for it`,
      );
    plans.push({ archived, table, columns });
  }
  return plans;
}
