import { describe, expect, it } from 'vitest';
import { entityTag, tagListMatches, taggedResponse } from './conditional';

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

  it('tag the exact JSON sent, the same tag If-Match compares, and answer 304 without a body', () => {
    const headers = new Map<string, string>();
    let status = 200;
    const response = { setHeader: (n: string, v: string) => headers.set(n, v), status: (c: number) => (status = c) };
    const representation = { id: 1, name: 'Kim', at: new Date('2026-01-02T03:04:05Z') };

    const body = taggedResponse(response, representation, '"other"');
    expect(JSON.parse(body!)).toEqual({ id: 1, name: 'Kim', at: '2026-01-02T03:04:05.000Z' });
    expect(headers.get('ETag')).toBe(entityTag(representation));
    expect(headers.get('Content-Type')).toBe('application/json; charset=utf-8');
    expect(status).toBe(200);

    expect(taggedResponse(response, representation, `W/${headers.get('ETag')}`)).toBeUndefined();
    expect(status).toBe(304);
  });
});
