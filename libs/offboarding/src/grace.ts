import { DomainError } from '@switchyard/errors';

const DURATION = /^(\d{1,6})(s|m|h|d|w)$/;
const UNIT_MS: Record<string, number> = { s: 1_000, m: 60_000, h: 3_600_000, d: 86_400_000, w: 604_800_000 };

/** The default grace period: a week to change one's mind (or to fetch the export). */
export const DEFAULT_GRACE = '7d';
/** The longest grace period accepted. */
export const MAX_GRACE_MS = 366 * 86_400_000;

/**
 * A grace period as operators write it — `0` (erase at once), `90s`, `30m`, `1h`, `7d`, `2w` — in
 * milliseconds. Anything else, or more than a year, is refused (VALIDATION_FAILED).
 */
export function parseGrace(value: string): number {
  if (value === '0') return 0;
  const match = DURATION.exec(value);
  if (!match) throw new DomainError('VALIDATION_FAILED', 'grace must be 0 or a duration such as 90s, 30m, 1h, 7d, 2w');
  const ms = Number(match[1]) * UNIT_MS[match[2]!]!;
  if (ms > MAX_GRACE_MS) throw new DomainError('VALIDATION_FAILED', 'grace must be at most 366d');
  return ms;
}

/** A grace period for people: in the largest whole unit up to days (`7d`, `90m`), or `0`. */
export function formatGrace(ms: number): string {
  if (ms === 0) return '0';
  for (const unit of ['d', 'h', 'm', 's']) {
    const size = UNIT_MS[unit]!;
    if (ms % size === 0) return `${ms / size}${unit}`;
  }
  return `${ms}ms`;
}
