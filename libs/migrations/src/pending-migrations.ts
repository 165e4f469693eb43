import { DomainError } from '@switchyard/errors';
import type { MigrationFile, MigrationSet } from './migration-files';

/** Refuses drift (an applied file changed or vanished) and out-of-order files, naming them; returns what is pending. */
export function pendingMigrations(set: MigrationSet, applied: Map<string, string>): MigrationFile[] {
  let newestApplied = -1;
  for (const [name, checksum] of applied) {
    const file = set.files.find((f) => f.name === name);
    if (!file)
      throw new DomainError(
        'MIGRATION_DRIFT',
        `Applied migration ${name}.sql is missing from migrations/${set.name}/`,
        { migration: name },
      );
    if (file.checksum !== checksum) {
      throw new DomainError(
        'MIGRATION_DRIFT',
        `migrations/${set.name}/${name}.sql changed after it was applied (checksum mismatch)`,
        { migration: name },
      );
    }
    newestApplied = Math.max(newestApplied, file.index);
  }
  const pending = set.files.filter((f) => !applied.has(f.name));
  const outOfOrder = pending.find((f) => f.index < newestApplied);
  if (outOfOrder) {
    throw new DomainError(
      'MIGRATION_OUT_OF_ORDER',
      `migrations/${set.name}/${outOfOrder.name}.sql is older than an applied migration and was never applied`,
      {
        migration: outOfOrder.name,
      },
    );
  }
  return pending;
}

/** The newest applied migration of a set, in file order. */
export function newestApplied(set: MigrationSet, applied: Map<string, string>): string | null {
  return set.files.filter((f) => applied.has(f.name)).at(-1)?.name ?? null;
}
