/** How the console writes numbers, sizes, durations and times (the browser's locale, English words). */

const integer = new Intl.NumberFormat('en');
const decimal = new Intl.NumberFormat('en', { maximumFractionDigits: 1 });

export function formatNumber(value: number): string {
  return integer.format(Math.round(value));
}

const BYTE_UNITS = ['B', 'KiB', 'MiB', 'GiB', 'TiB'];

export function formatBytes(bytes: number): string {
  let value = bytes;
  let unit = 0;
  while (value >= 1024 && unit < BYTE_UNITS.length - 1) {
    value /= 1024;
    unit++;
  }
  return `${unit === 0 ? integer.format(value) : decimal.format(value)} ${BYTE_UNITS[unit]}`;
}

/** 0.4 s, 42 s, 3 min 20 s, 2 h 5 min. */
export function formatDuration(seconds: number): string {
  if (seconds < 1) return `${decimal.format(seconds)} s`;
  if (seconds < 60) return `${Math.round(seconds)} s`;
  const minutes = Math.floor(seconds / 60);
  if (minutes < 60) return `${minutes} min ${Math.round(seconds % 60)} s`;
  return `${Math.floor(minutes / 60)} h ${minutes % 60} min`;
}

export function formatMs(ms: number): string {
  return ms < 1000 ? `${formatNumber(ms)} ms` : formatDuration(ms / 1000);
}

const dateTime = new Intl.DateTimeFormat(undefined, { dateStyle: 'medium', timeStyle: 'medium' });

export function formatDateTime(iso: string | null | undefined): string {
  if (!iso) return '—';
  const date = new Date(iso);
  return Number.isNaN(date.getTime()) ? iso : dateTime.format(date);
}

/** Seconds between two ISO times (to now when `to` is missing). */
export function secondsBetween(from: string, to: string | null): number {
  return ((to ? new Date(to).getTime() : Date.now()) - new Date(from).getTime()) / 1000;
}

/** `catching_up` → `catching up`. */
export function words(value: string): string {
  return value.replace(/_/g, ' ');
}

export function percent(part: number, whole: number): number {
  return whole > 0 ? Math.min(100, (part / whole) * 100) : 0;
}
