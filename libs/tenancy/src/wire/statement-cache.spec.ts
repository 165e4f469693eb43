import { describe, expect, it } from 'vitest';
import { StatementCache, StatementGeneration } from './statement-cache';

/** The server name of a statement in use: the first use of a key goes unnamed, the second prepares it. */
const used = (cache: StatementCache, name: string, searchPath: string) =>
  cache.serverName(name, searchPath) ?? cache.serverName(name, searchPath);

describe('StatementCache', () => {
  it('sends a statement unnamed on its first use and prepares it on the next', () => {
    const cache = new StatementCache(10);
    expect(cache.serverName('employees.by_id', '"t_a"')).toBeUndefined();
    const a = cache.serverName('employees.by_id', '"t_a"');
    expect(a).toMatch(/^employees\.by_id#/);
    expect(cache.serverName('employees.by_id', '"t_a"')).toBe(a);
  });

  it('never prepares under round-robin over more schemas than its window holds', () => {
    const cache = new StatementCache(2);
    for (let round = 0; round < 3; round++)
      for (let schema = 0; schema < 20; schema++) expect(cache.serverName('q', `"t_${schema}"`)).toBeUndefined();
    expect(cache.size).toBe(0);
    expect(cache.takeEvicted()).toEqual([]);
  });

  it('gives a statement one server name per search_path, stable across uses', () => {
    const cache = new StatementCache(10);
    const a = used(cache, 'employees.by_id', '"t_a"');
    const b = used(cache, 'employees.by_id', '"t_b"');
    expect(a).not.toBe(b);
    expect(cache.serverName('employees.by_id', '"t_a"')).toBe(a);
    expect(cache.serverName('employees.by_id', '"t_b"')).toBe(b);
    expect(cache.takeEvicted()).toEqual([]);
  });

  it('evicts the least recently used statement and hands its name out once for closing', () => {
    const cache = new StatementCache(2);
    const a = used(cache, 'q', '"a"');
    const b = used(cache, 'q', '"b"');
    cache.serverName('q', '"a"'); // a is now the most recent
    const c = used(cache, 'q', '"c"');
    expect(cache.size).toBe(2);
    expect(cache.takeEvicted()).toEqual([b]);
    expect(cache.takeEvicted()).toEqual([]);
    // b comes back under a new name (the old one is being closed), a and c are kept.
    const b2 = used(cache, 'q', '"b"');
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
    const names = (cache: StatementCache) => ({ a: used(cache, 'q', '"a"'), b: used(cache, 'q', '"b"') });
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
