import { describe, expect, it } from 'vitest';
import { parentsFirst } from './tenant-tables';

describe('parentsFirst', () => {
  it('puts every table after the tables it references, ties by name', () => {
    const order = parentsFirst([
      { name: 'wellness_entries', parents: ['employees'] },
      { name: 'badges', parents: ['employees', 'wellness_entries'] },
      { name: 'employees', parents: [] },
      { name: 'audit_notes', parents: [] },
    ]);
    expect(order).toEqual(['audit_notes', 'employees', 'wellness_entries', 'badges']);
  });

  it('ignores links to itself and to tables outside the set', () => {
    expect(parentsFirst([{ name: 'tree', parents: ['tree', 'elsewhere'] }])).toEqual(['tree']);
  });

  it('refuses a cycle, naming the tables in it', () => {
    expect(() =>
      parentsFirst([
        { name: 'a', parents: ['b'] },
        { name: 'b', parents: ['a'] },
        { name: 'c', parents: [] },
      ]),
    ).toThrow(/cycle: a, b/);
  });
});
