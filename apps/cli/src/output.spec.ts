import { describe, expect, it } from 'vitest';
import { formatTable } from './output';

describe('formatTable', () => {
  it('says (none) for no rows', () => {
    expect(formatTable([])).toBe('(none)\n');
  });

  it('aligns each column to its widest cell, headers upper-cased, two spaces apart, no trailing spaces', () => {
    const table = formatTable([
      { slug: 'acme', tier: 'shared', version: 1 },
      { slug: 'a-much-longer-slug', tier: 'database', version: 12 },
    ]);
    expect(table.split('\n')).toEqual([
      'SLUG                TIER      VERSION',
      'acme                shared    1',
      'a-much-longer-slug  database  12',
      '',
    ]);
  });

  it('prints null and missing cells blank, and takes its columns from the first row', () => {
    const table = formatTable([
      { slug: 'acme', schema: null },
      { slug: 'beta', schema: 't_1', extra: 'ignored' },
    ]);
    expect(table).toBe('SLUG  SCHEMA\nacme\nbeta  t_1\n');
  });
});
