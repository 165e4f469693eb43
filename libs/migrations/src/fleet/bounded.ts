/**
 * Runs `work` over `items` with at most `overall` at once and at most `perKey` at once for items sharing
 * a key (a server), so one large server cannot take every slot and no server is hammered.
 */
export async function runBounded<T, R>(
  items: T[],
  options: { overall: number; perKey: number; key: (item: T) => string; stop?: () => boolean },
  work: (item: T) => Promise<R>,
): Promise<R[]> {
  const results: R[] = new Array(items.length);
  const active = new Map<string, number>();
  const waiting = items.map((item, index) => ({ item, index }));
  let running = 0;
  return new Promise((resolve, reject) => {
    const launch = () => {
      if (waiting.length === 0 && running === 0) return resolve(results);
      for (let i = 0; i < waiting.length && running < options.overall;) {
        if (options.stop?.()) {
          waiting.length = 0;
          break;
        }
        const { item, index } = waiting[i];
        const key = options.key(item);
        if ((active.get(key) ?? 0) >= options.perKey) {
          i++;
          continue;
        }
        waiting.splice(i, 1);
        running++;
        active.set(key, (active.get(key) ?? 0) + 1);
        work(item).then((result) => {
          results[index] = result;
          running--;
          active.set(key, active.get(key)! - 1);
          launch();
        }, reject);
      }
      if (waiting.length === 0 && running === 0) resolve(results);
    };
    launch();
  });
}
