import { describe, expect, it } from 'vitest';
import { runBounded } from './bounded';

interface Item {
  name: string;
  server: string;
}

const item = (name: string, server = 'primary'): Item => ({ name, server });
const byServer = (overall: number, perKey: number) => ({ overall, perKey, key: (i: Item) => i.server });

/** Lets every promise chain that can move on do so (a macrotask runs only once microtasks are drained). */
const settle = () => new Promise((resolve) => setImmediate(resolve));

/**
 * Work the test finishes by hand: records what started, what is in progress (overall and per server) and
 * the most in progress ever seen, so a test can step through a run deterministically.
 */
function manualWork() {
  const started: string[] = [];
  const inProgress = new Map<string, { item: Item; finish: (ok: boolean) => void }>();
  let most = 0;
  const mostPerServer = new Map<string, number>();
  const work = (it: Item) =>
    new Promise<string>((resolve, reject) => {
      started.push(it.name);
      inProgress.set(it.name, {
        item: it,
        finish: (ok) => {
          inProgress.delete(it.name);
          if (ok) resolve(`done ${it.name}`);
          else reject(new Error(`${it.name} failed`));
        },
      });
      most = Math.max(most, inProgress.size);
      const onServer = [...inProgress.values()].filter((p) => p.item.server === it.server).length;
      mostPerServer.set(it.server, Math.max(mostPerServer.get(it.server) ?? 0, onServer));
    });
  const finish = async (name: string, ok = true) => {
    const running = inProgress.get(name);
    if (!running) throw new Error(`${name} is not in progress (in progress: ${[...inProgress.keys()].join(', ')})`);
    running.finish(ok);
    await settle();
  };
  return { work, started, inProgress, finish, most: () => most, mostPerServer };
}

describe('runBounded', () => {
  it('resolves an empty list without doing any work', async () => {
    let calls = 0;
    await expect(runBounded([], byServer(2, 1), async () => calls++)).resolves.toEqual([]);
    expect(calls).toBe(0);
  });

  it('returns results in the order of the items, whatever order the work finishes in', async () => {
    const w = manualWork();
    const run = runBounded([item('a'), item('b'), item('c')], byServer(3, 3), w.work);
    await settle();
    for (const name of ['c', 'a', 'b']) await w.finish(name);
    await expect(run).resolves.toEqual(['done a', 'done b', 'done c']);
  });

  it('never has more than `overall` in progress, and starts the next item as soon as a slot frees', async () => {
    const w = manualWork();
    const items = ['a', 'b', 'c', 'd', 'e'].map((name, i) => item(name, `s${i}`));
    const run = runBounded(items, byServer(2, 5), w.work);
    await settle();
    expect(w.started).toEqual(['a', 'b']);
    await w.finish('b');
    expect(w.started).toEqual(['a', 'b', 'c']);
    for (const name of ['a', 'c', 'd', 'e']) await w.finish(name);
    await run;
    expect(w.most()).toBe(2);
    expect(w.started).toEqual(['a', 'b', 'c', 'd', 'e']);
  });

  it('never has more than `perKey` in progress on one server, and lets other servers use the free slots', async () => {
    const w = manualWork();
    const items = [item('a1', 'a'), item('a2', 'a'), item('a3', 'a'), item('b1', 'b'), item('b2', 'b')];
    const run = runBounded(items, byServer(3, 1), w.work);
    await settle();
    // a2 and a3 wait for server a; b1 goes ahead of them, b2 waits for server b.
    expect(w.started).toEqual(['a1', 'b1']);
    await w.finish('a1');
    expect(w.started).toEqual(['a1', 'b1', 'a2']);
    await w.finish('b1');
    expect(w.started).toEqual(['a1', 'b1', 'a2', 'b2']);
    for (const name of ['a2', 'b2', 'a3']) await w.finish(name);
    await expect(run).resolves.toHaveLength(5);
    expect(Object.fromEntries(w.mostPerServer)).toEqual({ a: 1, b: 1 });
  });

  it('after a failure starts nothing more, and rejects with the first error once the work in progress settled', async () => {
    const w = manualWork();
    const items = [item('a', 's1'), item('b', 's2'), item('c', 's3'), item('d', 's4')];
    const run = runBounded(items, byServer(2, 1), w.work);
    let outcome: unknown;
    run.catch((error: unknown) => (outcome = error));
    await settle();
    await w.finish('a', false);
    expect(w.started).toEqual(['a', 'b']); // c and d are never started
    expect(outcome).toBeUndefined(); // b is still in progress
    await w.finish('b', false);
    await expect(run).rejects.toThrow('a failed');
    expect(w.started).toEqual(['a', 'b']);
  });

  it('treats work that throws synchronously as a failure', async () => {
    const run = runBounded([item('a')], byServer(1, 1), () => {
      throw new Error('thrown before any promise');
    });
    await expect(run).rejects.toThrow('thrown before any promise');
  });

  it('refuses limits below 1 instead of waiting forever', async () => {
    await expect(runBounded([item('a')], byServer(0, 1), async () => 1)).rejects.toThrow(RangeError);
    await expect(runBounded([item('a')], byServer(1, 0), async () => 1)).rejects.toThrow(RangeError);
  });
});
