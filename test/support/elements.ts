/**
 * Taking elements out of lists a test expects to be there (rows, tenants, report entries): a missing one
 * fails with a message naming what was expected, instead of a TypeError further on.
 */
export { singleRow } from '@switchyard/postgres';

/** The first element of `items`; throws naming `what` when there is none. */
export function first<T>(items: readonly T[], what: string): T {
  return at(items, 0, what);
}

/** The element at `index` of `items`; throws naming `what` when there is none. */
export function at<T>(items: readonly T[], index: number, what: string): T {
  const item = items[index];
  if (item === undefined) throw new Error(`expected ${what} at index ${index}, but there are ${items.length}`);
  return item;
}
