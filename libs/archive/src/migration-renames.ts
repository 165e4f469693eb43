import { DomainError } from '@switchyard/errors';
import type { MigrationSet } from '@switchyard/migrations';

/** A rename a tenant migration made: a table, or a column of a table. */
export type Rename =
  { kind: 'table'; from: string; to: string } | { kind: 'column'; table: string; from: string; to: string };

const NAME = '"?([A-Za-z_][A-Za-z0-9_]*)"?';
/**
 * `ALTER TABLE t RENAME [COLUMN] a TO b` and `ALTER TABLE t RENAME TO u`, as drizzle-kit writes them
 * (quoted) or as a person would (unquoted, folded to lower case like PostgreSQL does).
 */
const RENAME = new RegExp(
  `ALTER\\s+TABLE\\s+(?:ONLY\\s+)?(?:IF\\s+EXISTS\\s+)?${NAME}\\s+RENAME\\s+(?:(?:COLUMN\\s+)?${NAME}\\s+)?TO\\s+${NAME}`,
  'gi',
);

/** Every rename in one migration's statements, in order. */
export function renamesIn(statements: readonly string[]): Rename[] {
  const renames: Rename[] = [];
  for (const statement of statements)
    for (const [, table, column, to] of statement.matchAll(RENAME)) {
      const lower = (s: string) => s.toLowerCase();
      if (!table || !to) continue;
      renames.push(
        column
          ? { kind: 'column', table: lower(table), from: lower(column), to: lower(to) }
          : { kind: 'table', from: lower(table), to: lower(to) },
      );
    }
  return renames;
}

/** Position of a migration in the set, or undefined when this installation has no such migration. */
export function migrationIndex(set: MigrationSet, name: string | null): number | undefined {
  return set.files.find((f) => f.name === name)?.index;
}

/**
 * The renames of the migrations after `archived` up to and including `current`, in order: what a table
 * or column of an archive taken at `archived` is called at `current`. An archive from a version this
 * installation does not know, or newer than the place it is loaded into, is refused.
 */
export function renamesSince(set: MigrationSet, archived: string, current: string | null): Rename[] {
  const from = migrationIndex(set, archived);
  if (from === undefined)
    throw new DomainError(
      'ARCHIVE_INVALID',
      `The archive was taken at tenant migration ${archived}, which this installation does not have (an archive of a newer or another installation)`,
    );
  const to = migrationIndex(set, current);
  if (to === undefined || to < from)
    throw new DomainError(
      'SCHEMA_VERSION_MISMATCH',
      `The archive was taken at ${archived} but the tenant's location is at ${current ?? 'no migration'}; run \`switchyard migrate\` first`,
    );
  return set.files.filter((f) => f.index > from && f.index <= to).flatMap((f) => renamesIn(f.statements));
}
