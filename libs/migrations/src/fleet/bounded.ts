export interface BoundedOptions<T> {
  /** Most items in progress at once. */
  overall: number;
  /** Most items in progress at once among those sharing a key (a server). */
  perKey: number;
  key: (item: T) => string;
}

/**
 * Runs `work` over `items` with at most `overall` at once and at most `perKey` at once for items sharing
 * a key (a server), so one large server cannot take every slot and no server is hammered. Items start in
 * their order, except that one whose key is saturated lets later items of other keys go first; results
 * come back in the order of `items`.
 *
 * When a piece of work fails, nothing more is started, and the run rejects with the first error once the
 * work still in progress has settled (so none of it outlives the run).
 */
export async function runBounded<T, R>(
  items: readonly T[],
  options: BoundedOptions<T>,
  work: (item: T) => Promise<R>,
): Promise<R[]> {
  const { overall, perKey } = options;
  // Below 1 nothing could ever start: refuse rather than wait forever.
  if (!(overall >= 1 && perKey >= 1))
    throw new RangeError(`runBounded: overall and perKey must be at least 1 (got ${overall} and ${perKey})`);
  const results: R[] = new Array(items.length);
  const queue = items.map((item, index) => ({ item, index, key: options.key(item), started: false }));
  const active = new Map<string, number>();
  let running = 0;
  let started = 0;
  let failure: { error: unknown } | undefined;
  await new Promise<void>((resolve, reject) => {
    const launch = () => {
      for (const entry of queue) {
        if (failure || running >= overall) break;
        if (entry.started || (active.get(entry.key) ?? 0) >= perKey) continue;
        entry.started = true;
        started++;
        running++;
        active.set(entry.key, (active.get(entry.key) ?? 0) + 1);
        // new Promise(…) turns a synchronous throw of `work` into a rejection like any other.
        void new Promise<R>((settle) => settle(work(entry.item)))
          .then(
            (result) => {
              results[entry.index] = result;
            },
            (error: unknown) => {
              failure ??= { error };
            },
          )
          .finally(() => {
            running--;
            active.set(entry.key, (active.get(entry.key) ?? 0) - 1);
            launch();
          });
      }
      if (running > 0) return;
      if (failure) reject(failure.error);
      else if (started === queue.length) resolve();
    };
    launch();
  });
  return results;
}
