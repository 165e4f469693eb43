import { describe, expect, it } from 'vitest';
import { quoteIdent, tenantStorageNames } from './identifiers';

describe('tenantStorageNames', () => {
  it('derives schema and database names from the tenant id only', () => {
    expect(tenantStorageNames('0b5f3e2a-1c4d-4e6f-8a9b-0c1d2e3f4a5b')).toEqual({
      schema: 't_0b5f3e2a1c4d4e6f8a9b0c1d2e3f4a5b',
      database: 'sy_t_0b5f3e2a1c4d4e6f8a9b0c1d2e3f4a5b',
    });
  });

  it.each(['acme', "x'; drop schema public; --", '0B5F3E2A-1C4D-4E6F-8A9B-0C1D2E3F4A5B', '', '../etc'])(
    'refuses %j',
    (input) => {
      expect(() => tenantStorageNames(input)).toThrow(/UUID/);
    },
  );

  it('produces names within PostgreSQL identifier limits', () => {
    const { schema, database } = tenantStorageNames('ffffffff-ffff-ffff-ffff-ffffffffffff');
    expect(schema.length).toBeLessThanOrEqual(63);
    expect(database.length).toBeLessThanOrEqual(63);
  });
});

describe('quoteIdent', () => {
  it('quotes safe identifiers', () => {
    expect(quoteIdent('t_abc')).toBe('"t_abc"');
  });

  it.each(['Robert"); drop table x; --', 'a b', 'UPPER', '', 'x'.repeat(64), 'tenant-1'])(
    'refuses %j instead of escaping it',
    (input) => {
      expect(() => quoteIdent(input)).toThrow(/unsafe SQL identifier/);
    },
  );
});
