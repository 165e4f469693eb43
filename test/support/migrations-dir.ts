import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { findMigrationsRoot } from '@switchyard/migrations';

/** A private copy of the project's migrations/ that a test can add tenant migrations to (MIGRATIONS_DIR). */
export class MigrationsDir {
  readonly path = mkdtempSync(join(tmpdir(), 'switchyard-migrations-'));

  constructor() {
    cpSync(findMigrationsRoot(), this.path, { recursive: true });
  }

  private journalPath(): string {
    return join(this.path, 'tenant', 'meta', '_journal.json');
  }

  /** Adds a tenant migration at `idx` (default: after the last one); returns its idx. */
  add(tag: string, sql: string, idx?: number): number {
    const journal = JSON.parse(readFileSync(this.journalPath(), 'utf8')) as {
      entries: { idx: number; tag: string; when: number; version: string; breakpoints: boolean }[];
    };
    const next = idx ?? Math.max(...journal.entries.map((e) => e.idx)) + 1;
    journal.entries.push({ idx: next, version: '7', when: Date.now(), tag, breakpoints: true });
    writeFileSync(this.journalPath(), JSON.stringify(journal, null, 2));
    writeFileSync(join(this.path, 'tenant', `${tag}.sql`), sql);
    return next;
  }

  /** Rewrites an existing tenant migration (to provoke drift); returns a function that restores it. */
  edit(tag: string, sql: string): () => void {
    const file = join(this.path, 'tenant', `${tag}.sql`);
    const original = readFileSync(file, 'utf8');
    writeFileSync(file, sql);
    return () => writeFileSync(file, original);
  }

  remove(tag: string): void {
    const journal = JSON.parse(readFileSync(this.journalPath(), 'utf8')) as { entries: { tag: string }[] };
    journal.entries = journal.entries.filter((e) => e.tag !== tag);
    writeFileSync(this.journalPath(), JSON.stringify(journal, null, 2));
    rmSync(join(this.path, 'tenant', `${tag}.sql`), { force: true });
  }

  dispose(): void {
    rmSync(this.path, { recursive: true, force: true });
  }
}
