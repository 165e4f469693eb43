import { InvalidArgumentError } from 'commander';

/**
 * Parsers of option and argument values. Commander reports what they throw as a usage error (exit 2),
 * before any command connects anywhere. They accept what the control-plane API accepts for the same value.
 */

/** A whole number from `min` to `max`. */
export const integerBetween =
  (min: number, max: number) =>
  (value: string): number => {
    const n = Number(value);
    if (!/^\d+$/.test(value) || n < min || n > max)
      throw new InvalidArgumentError(`must be a whole number from ${min} to ${max}`);
    return n;
  };

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

export function moveId(value: string): string {
  if (!UUID.test(value)) throw new InvalidArgumentError('must be a move id (a UUID)');
  return value;
}

/** Text of 1 to `max` characters. */
export const textUpTo =
  (max: number) =>
  (value: string): string => {
    if (value.length < 1 || value.length > max) throw new InvalidArgumentError(`must be 1 to ${max} characters`);
    return value;
  };

/** An audited action's name, as the audit trail records it. */
export function auditAction(value: string): string {
  if (!/^[a-z]+\.[a-z-]+$/.test(value)) throw new InvalidArgumentError('must look like tenant.create');
  return value;
}

const DURATION = /^(\d+)(s|m|h|d|w)$/;
const UNIT_MS: Record<string, number> = { s: 1_000, m: 60_000, h: 3_600_000, d: 86_400_000, w: 604_800_000 };
const ISO_TIME = /^\d{4}-\d{2}-\d{2}(T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})?)?$/;

/** An ISO 8601 time, or a duration back from `now` (`90s`, `30m`, `1h`, `7d`, `2w`). */
export function pointInTime(value: string, now = Date.now()): Date {
  const duration = DURATION.exec(value);
  if (duration) return new Date(now - Number(duration[1]) * UNIT_MS[duration[2]!]!);
  if (ISO_TIME.test(value) && !Number.isNaN(Date.parse(value))) return new Date(value);
  throw new InvalidArgumentError('must be an ISO 8601 time (2025-01-31T12:00:00Z) or a duration ago (30m, 1h, 7d)');
}
