import { describe, expect, it } from 'vitest';
import { StatementCache, StatementGeneration } from './statement-cache';

describe('StatementCache', () => {
  it('gives a statement one server name per search_path, stable across uses', () => {
    const cache = new StatementCache(10);
    const a = cache.serverName('employees.by_id', '"t_a"');
    const b = cache.serverName('employees.by_id', '"t_b"');
    expect(a).not.toBe(b);
    expect(cache.serverName('employees.by_id', '"t_a"')).toBe(a);
    expect(cache.serverName('employees.by_id', '"t_b"')).toBe(b);
    expect(cache.takeEvicted()).toEqual([]);
  });

  it('evicts the least recently used statement and hands its name out once for closing', () => {
    const cache = new StatementCache(2);
    const a = cache.serverName('q', '"a"');
    const b = cache.serverName('q', '"b"');
    cache.serverName('q', '"a"'); // a is now the most recent
    const c = cache.serverName('q', '"c"');
    expect(cache.size).toBe(2);
    expect(cache.takeEvicted()).toEqual([b]);
    expect(cache.takeEvicted()).toEqual([]);
    // b comes back under a new name (the old one is being closed), a and c are kept.
    const b2 = cache.serverName('q', '"b"');
    expect(b2).not.toBe(b);
    expect(cache.takeEvicted()).toEqual([a]);
    expect(cache.serverName('q', '"c"')).toBe(c);
  });

  it('refuses names that could be truncated or collide on the server', () => {
    const cache = new StatementCache(2);
    expect(() => cache.serverName('x'.repeat(41), '"public"')).toThrow(/must match/);
    expect(() => cache.serverName('bad name', '"public"')).toThrow(/must match/);
  });

  it('prepares every statement afresh, on every connection, once the shared generation moves on', () => {
    const generation = new StatementGeneration();
    const connections = [new StatementCache(10, generation), new StatementCache(10, generation)];
    const names = (cache: StatementCache) => ({ a: cache.serverName('q', '"a"'), b: cache.serverName('q', '"b"') });
    const before = connections.map((cache) => ({ cache, names: names(cache) }));
    // One connection met "cached plan must not change result type": every connection's copies are outdated.
    generation.bump();
    for (const { cache, names: old } of before) {
      const after = names(cache);
      expect(after.a).not.toBe(old.a);
      expect(after.b).not.toBe(old.b);
      // The outdated copies are closed on the server, once each.
      expect([...cache.takeEvicted()].sort()).toEqual([old.a, old.b].sort());
      expect(cache.size).toBe(2);
      expect(cache.serverName('q', '"a"')).toBe(after.a);
    }
  });
});
