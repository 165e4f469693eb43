import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { DomainError } from '@switchyard/errors';

export type MigrationSetName = 'control-plane' | 'tenant';

export interface MigrationFile {
  /** drizzle-kit tag, e.g. `0000_init`; also the file name without `.sql`. */
  name: string;
  /** Position in drizzle-kit's journal: the order migrations must be applied in. */
  index: number;
  checksum: string;
  statements: string[];
}

export interface MigrationSet {
  name: MigrationSetName;
  files: MigrationFile[];
  /** Name of the newest migration, i.e. the version a fully migrated target is at. */
  latest: string | null;
}

interface Journal {
  entries: { idx: number; tag: string }[];
}

/** Finds the repository's `migrations/` folder from wherever this code runs (src or dist). */
export function findMigrationsRoot(start = __dirname): string {
  let dir = resolve(start);
  for (;;) {
    const candidate = join(dir, 'migrations', 'tenant', 'meta', '_journal.json');
    if (existsSync(candidate)) return join(dir, 'migrations');
    const parent = dirname(dir);
    if (parent === dir) throw new Error(`No migrations/ folder found above ${start}`);
    dir = parent;
  }
}

/** Reads one migration set in journal order. Tenant migrations must be schema-neutral (I3). */
export function loadMigrationSet(name: MigrationSetName, root = findMigrationsRoot()): MigrationSet {
  const dir = join(root, name);
  const journal = JSON.parse(readFileSync(join(dir, 'meta', '_journal.json'), 'utf8')) as Journal;
  const files = journal.entries
    .sort((a, b) => a.idx - b.idx)
    .map((entry): MigrationFile => {
      const sql = readFileSync(join(dir, `${entry.tag}.sql`), 'utf8');
      if (name === 'tenant' && /"public"\s*\./.test(sql)) {
        throw new DomainError(
          'MIGRATION_FAILED',
          `${entry.tag}.sql refers to the "public" schema; tenant migrations must be schema-neutral (run npm run db:generate)`,
        );
      }
      return {
        name: entry.tag,
        index: entry.idx,
        checksum: createHash('sha256').update(sql).digest('hex'),
        statements: sql
          .split('--> statement-breakpoint')
          .map((s) => s.trim())
          .filter((s) => s.length > 0),
      };
    });
  return { name, files, latest: files.at(-1)?.name ?? null };
}
