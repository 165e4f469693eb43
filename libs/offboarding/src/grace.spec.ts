import { describe, expect, it } from 'vitest';
import { formatGrace, parseGrace } from './grace';

describe('grace periods', () => {
  it('reads 0 and durations in s, m, h, d, w', () => {
    expect(parseGrace('0')).toBe(0);
    expect(parseGrace('90s')).toBe(90_000);
    expect(parseGrace('30m')).toBe(1_800_000);
    expect(parseGrace('1h')).toBe(3_600_000);
    expect(parseGrace('7d')).toBe(604_800_000);
    expect(parseGrace('2w')).toBe(1_209_600_000);
  });

  it('refuses anything else, and more than a year', () => {
    for (const bad of ['', '7', '7 days', '-1h', '1.5h', '1y', '0s1', 'h', '400d'])
      expect(() => parseGrace(bad), bad).toThrow(expect.objectContaining({ code: 'VALIDATION_FAILED' }));
  });

  it('writes them back in the largest whole unit up to days', () => {
    expect(['0', '90s', '30m', '1h', '7d', '2w', '36h'].map((g) => formatGrace(parseGrace(g)))).toEqual([
      '0',
      '90s',
      '30m',
      '1h',
      '7d',
      '14d',
      '36h',
    ]);
  });
});
