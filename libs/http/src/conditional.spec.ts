import { describe, expect, it } from 'vitest';
import { entityTag, tagListMatches } from './conditional';

describe('entity tags', () => {
  const tag = entityTag({ id: 1, name: 'Kim' });

  it('are the same for the same representation and differ for another', () => {
    expect(entityTag({ id: 1, name: 'Kim' })).toBe(tag);
    expect(entityTag({ id: 1, name: 'Kim Lee' })).not.toBe(tag);
    expect(tag).toMatch(/^"[A-Za-z0-9_-]{27}"$/);
  });

  it('match lists, * and weak tags as RFC 9110 compares them', () => {
    expect(tagListMatches(`"x", ${tag}`, tag, false)).toBe(true);
    expect(tagListMatches('*', tag, false)).toBe(true);
    expect(tagListMatches(`W/${tag}`, tag, true)).toBe(true);
    expect(tagListMatches(`W/${tag}`, tag, false)).toBe(false);
    expect(tagListMatches('"stale"', tag, true)).toBe(false);
  });
});
