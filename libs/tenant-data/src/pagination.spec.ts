import { describe, expect, it } from 'vitest';
import { decodeCursor, encodeCursor, toPage } from './pagination';

describe('cursor pagination', () => {
  const id = '01a202b4-b301-719c-bbb3-b54d66da7fb8';

  it('round-trips the last id through an opaque cursor', () => {
    expect(decodeCursor(encodeCursor(id))).toBe(id);
  });

  it.each(["'; drop table employees; --", Buffer.from('not-a-uuid').toString('base64url'), '', 'x'.repeat(200)])(
    'refuses cursor %j',
    (cursor) => {
      expect(() => decodeCursor(cursor)).toThrow(/cursor/);
    },
  );

  it('returns a next cursor only when there is a next page', () => {
    const rows = [{ id: 'a' }, { id: 'b' }, { id: 'c' }];
    expect(toPage(rows, 2)).toEqual({ items: [{ id: 'a' }, { id: 'b' }], nextCursor: encodeCursor('b') });
    expect(toPage(rows, 3)).toEqual({ items: rows, nextCursor: null });
  });
});
