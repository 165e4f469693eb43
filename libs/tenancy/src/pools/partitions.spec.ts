import { describe, expect, it } from 'vitest';
import { partitionsOf } from './pool-registry';

describe('partitionsOf', () => {
  it('gives every key two distinct partitions, the same every time, spread over all of them', () => {
    const seen = new Set<number>();
    for (let i = 0; i < 2_000; i++) {
      const [a, b] = partitionsOf(`t_${i.toString(16).padStart(32, '0')}`, 20);
      expect(a).not.toBe(b);
      expect([a, b].every((p) => p >= 0 && p < 20)).toBe(true);
      expect(partitionsOf(`t_${i.toString(16).padStart(32, '0')}`, 20)).toEqual([a, b]);
      seen.add(a).add(b);
    }
    expect(seen.size).toBe(20);
    expect(partitionsOf('only', 1)).toEqual([0, 0]);
  });
});
