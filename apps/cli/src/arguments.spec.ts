import { InvalidArgumentError } from 'commander';
import { describe, expect, it } from 'vitest';
import { auditAction, integerBetween, moveId, pointInTime } from './arguments';

describe('argument parsers', () => {
  it('integerBetween accepts whole numbers in range only', () => {
    const limit = integerBetween(1, 200);
    expect(limit('1')).toBe(1);
    expect(limit('200')).toBe(200);
    for (const bad of ['0', '201', '-1', '1.5', '1e2', '', 'ten'])
      expect(() => limit(bad), bad).toThrow(InvalidArgumentError);
  });

  it('moveId accepts a lower-case UUID only, like the API', () => {
    expect(moveId('0b6f6c1e-2a59-4c1b-9d55-6f0d2b8e4a10')).toBe('0b6f6c1e-2a59-4c1b-9d55-6f0d2b8e4a10');
    for (const bad of ['123', 'not-a-uuid', '0B6F6C1E-2A59-4C1B-9D55-6F0D2B8E4A10'])
      expect(() => moveId(bad), bad).toThrow(/must be a move id/);
  });

  it('auditAction wants a dotted action name', () => {
    expect(auditAction('tenant.suspend')).toBe('tenant.suspend');
    expect(() => auditAction('suspend')).toThrow(/tenant.create/);
  });

  it('pointInTime reads a duration back from now, or an ISO time', () => {
    const now = Date.parse('2025-06-01T12:00:00Z');
    expect(pointInTime('90s', now).toISOString()).toBe('2025-06-01T11:58:30.000Z');
    expect(pointInTime('1h', now).toISOString()).toBe('2025-06-01T11:00:00.000Z');
    expect(pointInTime('7d', now).toISOString()).toBe('2025-05-25T12:00:00.000Z');
    expect(pointInTime('2025-05-31T08:30:00Z', now).toISOString()).toBe('2025-05-31T08:30:00.000Z');
    expect(pointInTime('2025-05-31T08:30:00+02:00', now).toISOString()).toBe('2025-05-31T06:30:00.000Z');
    for (const bad of ['yesterday', '1 h', '1y', '2025-13-45', '12:00'])
      expect(() => pointInTime(bad, now), bad).toThrow(/ISO 8601 time/);
  });
});
