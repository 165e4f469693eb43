import { describe, expect, it } from 'vitest';
import type { ArchiveManifest } from './archive-format';
import { planLoad } from './load-plan';
import { renamesIn } from './migration-renames';
import type { ColumnShape, TableShape } from './tenant-rows.sql';

const column = (name: string, extra: Partial<ColumnShape> = {}): ColumnShape => ({
  name,
  notNull: true,
  hasDefault: false,
  collatable: false,
  generated: false,
  ...extra,
});

const shape = (name: string, columns: ColumnShape[]): TableShape => ({
  name,
  columns: [column('tenant_id', { hasDefault: true }), ...columns],
  primaryKey: ['tenant_id', 'id'],
});

const manifest = (tables: { name: string; columns: string[] }[]): ArchiveManifest => ({
  format: 'switchyard-tenant-archive',
  formatVersion: 1,
  schemaVersion: '0004_badges',
  tenant: { id: '00000000-0000-4000-8000-000000000001', slug: 'acme', name: 'Acme', tier: 'shared' },
  exportedAt: '2026-01-01T00:00:00.000Z',
  tables: tables.map((t) => ({ ...t, primaryKey: ['id'], rows: 0, bytes: 0, sha256: '0'.repeat(64) })),
});

const current = (...shapes: TableShape[]) => new Map(shapes.map((s) => [s.name, s]));

describe('renamesIn', () => {
  it('reads column and table renames as drizzle-kit and people write them, in order', () => {
    expect(
      renamesIn([
        'ALTER TABLE "badges" RENAME COLUMN "title" TO "label";',
        'alter table awards rename to prizes; ALTER TABLE prizes RENAME points TO score',
        'ALTER TABLE "badges" RENAME CONSTRAINT "a" TO "b";',
      ]),
    ).toEqual([
      { kind: 'column', table: 'badges', from: 'title', to: 'label' },
      { kind: 'table', from: 'awards', to: 'prizes' },
      { kind: 'column', table: 'prizes', from: 'points', to: 'score' },
    ]);
  });
});

describe('planLoad', () => {
  const badges = shape('badges', [column('id'), column('label'), column('note', { notNull: false })]);

  it('loads by name, following renames, and leaves added columns to their defaults', () => {
    const plans = planLoad(
      manifest([{ name: 'awards', columns: ['id', 'title'] }]),
      current(badges),
      renamesIn(['ALTER TABLE "awards" RENAME TO "badges"', 'ALTER TABLE "badges" RENAME COLUMN "title" TO "label"']),
      '0005',
    );
    expect(plans.map(({ table, columns }) => ({ table, columns }))).toEqual([
      { table: 'badges', columns: ['id', 'label'] },
    ]);
  });

  it('refuses a column the schema no longer has and no migration renamed', () => {
    expect(() =>
      planLoad(manifest([{ name: 'badges', columns: ['id', 'label', 'colour'] }]), current(badges), [], '0005'),
    ).toThrow(
      /Column badges\.colour of the archive \(0004_badges\) is not in the current schema \(0005\), and no migration since renamed it/,
    );
  });

  it('refuses a table the schema no longer has', () => {
    expect(() => planLoad(manifest([{ name: 'trophies', columns: ['id'] }]), current(badges), [], '0005')).toThrow(
      /Table trophies of the archive .* is not a tenant table/,
    );
  });

  it('refuses when a column added since is required and has no default', () => {
    const strict = shape('badges', [column('id'), column('label'), column('rank')]);
    expect(() =>
      planLoad(manifest([{ name: 'badges', columns: ['id', 'label'] }]), current(strict), [], '0005'),
    ).toThrow(/badges\.rank is required/);
  });

  it('never loads tenant_id from an archive: the new tenant’s id comes from the context', () => {
    expect(() =>
      planLoad(manifest([{ name: 'badges', columns: ['id', 'tenant_id'] }]), current(badges), [], '0005'),
    ).toThrow(/badges\.tenant_id/);
  });
});
