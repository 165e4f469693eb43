import { createHash } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LedgerRepository } from '@switchyard/control-plane';
import { MigrationRunner, type MigrationFile, type MigrationSet, type MigrationTarget } from '@switchyard/migrations';
import { withDatabase } from '@switchyard/postgres';
import { at } from './support/elements';
import { startHarness, type Harness } from './support/harness';

function file(index: number, name: string, ...statements: string[]): MigrationFile {
  return { index, name, statements, checksum: createHash('sha256').update(statements.join('\n')).digest('hex') };
}

function set(...files: MigrationFile[]): MigrationSet {
  return { name: 'tenant', files, latest: files.at(-1)?.name ?? null };
}

describe('the migration runner', () => {
  let h: Harness;
  let runner: MigrationRunner;
  let ledger: LedgerRepository;
  let counter = 0;

  beforeAll(async () => {
    h = await startHarness();
    runner = h.controlPlane.get(MigrationRunner);
    ledger = h.controlPlane.get(LedgerRepository);
  });
  afterAll(() => h?.close());

  /** A fresh scratch schema in the shared database, as a target. */
  async function target(): Promise<MigrationTarget> {
    const schema = `scratch_${++counter}`;
    await h.ownerQuery(h.config.names.sharedDatabase, `CREATE SCHEMA ${schema}`);
    return {
      key: `test:${schema}`,
      set: 'tenant',
      tier: 'schema',
      tenantId: null,
      server: 'primary',
      database: h.config.names.sharedDatabase,
      schema,
      url: withDatabase(h.config.databaseUrl, h.config.names.sharedDatabase),
      appRole: h.config.names.appRole,
    };
  }

  const tables = async (schema: string) =>
    (
      await h.ownerQuery<{ t: string }>(
        h.config.names.sharedDatabase,
        'SELECT tablename AS t FROM pg_tables WHERE schemaname = $1 ORDER BY 1',
        [schema],
      )
    ).map((r) => r.t);

  const base = set(file(0, '0000_a', 'CREATE TABLE a (id int)'), file(1, '0001_b', 'CREATE TABLE b (id int)'));

  it('applies pending migrations in the target schema and records them in both ledgers; a re-run is a no-op', async () => {
    const t = await target();
    const first = await runner.migrateTarget(t, base);
    expect(first).toMatchObject({ applied: ['0000_a', '0001_b'], version: '0001_b' });
    expect(first.error).toBeUndefined();
    expect(await tables(t.schema)).toEqual(['a', 'b']);
    const again = await runner.migrateTarget(t, base);
    expect(again).toMatchObject({ applied: [], version: '0001_b' });
    expect((await ledger.entriesFor(t.key)).map((e) => [e.migration, e.status])).toEqual([
      ['0000_a', 'applied'],
      ['0001_b', 'applied'],
    ]);
  });

  it('applies each migration exactly once when two runners race on one target', async () => {
    const t = await target();
    // The pause keeps the first runner inside its transaction while the second one arrives.
    const racing = set(
      file(0, '0000_slow', 'SELECT pg_sleep(0.3)', 'CREATE TABLE slow (id int)'),
      file(1, '0001_next', 'CREATE TABLE next (id int)'),
    );
    const [r1, r2] = await Promise.all([runner.migrateTarget(t, racing), runner.migrateTarget(t, racing)]);
    expect(r1.error).toBeUndefined();
    expect(r2.error).toBeUndefined();
    expect([...r1.applied, ...r2.applied].sort()).toEqual(['0000_slow', '0001_next']);
    const local = await h.ownerQuery(
      h.config.names.sharedDatabase,
      'SELECT count(*)::int AS n FROM switchyard_meta.migrations WHERE target_schema = $1',
      [t.schema],
    );
    expect(local).toEqual([{ n: 2 }]);
  });

  it('leaves a failing target untouched, records the failure, and finishes on a re-run once fixed', async () => {
    const t = await target();
    await h.ownerQuery(h.config.names.sharedDatabase, `CREATE TABLE ${t.schema}.b (obstacle text)`);
    const result = await runner.migrateTarget(
      t,
      set(
        file(0, '0000_a', 'CREATE TABLE a (id int)'),
        file(1, '0001_b', 'CREATE TABLE c (id int)', 'CREATE TABLE b (id int)'),
      ),
    );
    expect(result.error?.code).toBe('MIGRATION_FAILED');
    expect(result.error?.message).toContain('0001_b');
    expect(result.applied).toEqual(['0000_a']);
    // 0001 ran in one transaction: its first statement did not survive the second's failure.
    expect(await tables(t.schema)).toEqual(['a', 'b']);
    const failed = (await ledger.entriesFor(t.key)).find((e) => e.migration === '0001_b');
    expect(failed).toMatchObject({ status: 'failed' });
    expect(failed?.error).toMatch(/already exists/);

    await h.ownerQuery(h.config.names.sharedDatabase, `DROP TABLE ${t.schema}.b`);
    const retry = await runner.migrateTarget(
      t,
      set(
        file(0, '0000_a', 'CREATE TABLE a (id int)'),
        file(1, '0001_b', 'CREATE TABLE c (id int)', 'CREATE TABLE b (id int)'),
      ),
    );
    expect(retry).toMatchObject({ applied: ['0001_b'], version: '0001_b' });
    expect(await tables(t.schema)).toEqual(['a', 'b', 'c']);
  });

  it('refuses drift, naming the file', async () => {
    const t = await target();
    await runner.migrateTarget(t, base);
    const edited = set(file(0, '0000_a', 'CREATE TABLE a (id bigint)'), at(base.files, 1, 'second base migration'));
    const result = await runner.migrateTarget(t, edited);
    expect(result.error).toMatchObject({ code: 'MIGRATION_DRIFT' });
    expect(result.error?.message).toContain('0000_a.sql');
  });

  it('refuses an out-of-order migration, naming the file', async () => {
    const t = await target();
    await runner.migrateTarget(
      t,
      set(file(0, '0000_a', 'CREATE TABLE a (id int)'), file(2, '0002_c', 'CREATE TABLE c (id int)')),
    );
    const result = await runner.migrateTarget(
      t,
      set(
        file(0, '0000_a', 'CREATE TABLE a (id int)'),
        file(1, '0001_late', 'CREATE TABLE late (id int)'),
        file(2, '0002_c', 'CREATE TABLE c (id int)'),
      ),
    );
    expect(result.error).toMatchObject({ code: 'MIGRATION_OUT_OF_ORDER' });
    expect(result.error?.message).toContain('0001_late.sql');
    expect(await tables(t.schema)).toEqual(['a', 'c']);
  });

  it('heals the control-plane ledger from the target after a crash between the two writes', async () => {
    const t = await target();
    await runner.migrateTarget(t, base);
    await ledger.forgetTarget(t.key);
    const result = await runner.migrateTarget(t, base);
    expect(result).toMatchObject({ applied: [], version: '0001_b' });
    expect((await ledger.entriesFor(t.key)).map((e) => e.status)).toEqual(['applied', 'applied']);
  });
});
