/** One way of doing an operation, measured against the others of its comparison. */
export interface Variant {
  name: 'routed' | 'bare' | 'bare-prepared' | 'naive';
  /** Performs one operation; `worker` tells concurrent workers apart. */
  op: (worker: number) => Promise<unknown>;
}

export interface MeasureOptions {
  concurrency: number;
  warmupMs: number;
  roundMs: number;
  rounds: number;
}

/** Runs `op` on `concurrency` workers for `ms`; returns completed operations per second. */
async function throughput(op: Variant['op'], concurrency: number, ms: number): Promise<number> {
  const deadline = performance.now() + ms;
  let done = 0;
  const worker = async (id: number) => {
    while (performance.now() < deadline) {
      await op(id);
      done++;
    }
  };
  const started = performance.now();
  await Promise.all(Array.from({ length: concurrency }, (_, i) => worker(i)));
  return done / ((performance.now() - started) / 1000);
}

const ascending = (values: readonly number[]) => [...values].sort((a, b) => a - b);

function nth(sorted: readonly number[], index: number): number {
  const value = sorted[index];
  if (value === undefined) throw new RangeError(`no sample at ${index} of ${sorted.length}`);
  return value;
}

/** The median (the mean of the two middle values of an even count). Throws on no values. */
export function median(values: readonly number[]): number {
  const sorted = ascending(values);
  return (nth(sorted, (sorted.length - 1) >> 1) + nth(sorted, sorted.length >> 1)) / 2;
}

/** The sample at fraction `q` of the sorted values (nearest rank: 0.5 is the upper middle). Throws on no values. */
export function quantile(values: readonly number[], q: number): number {
  const sorted = ascending(values);
  return nth(sorted, Math.min(sorted.length - 1, Math.floor(sorted.length * q)));
}

/**
 * Measures variants side by side: after a warm-up of each, rounds alternate between variants so that
 * drift on a noisy machine (other load, CPU frequency) hits all of them alike. Reports the median round.
 */
export async function compare(variants: Variant[], options: MeasureOptions): Promise<Map<Variant['name'], number>> {
  for (const v of variants) await throughput(v.op, options.concurrency, options.warmupMs);
  const runs = variants.map((variant) => ({ variant, rates: [] as number[] }));
  for (let round = 0; round < options.rounds; round++) {
    const order = round % 2 === 0 ? runs : [...runs].reverse();
    for (const run of order) run.rates.push(await throughput(run.variant.op, options.concurrency, options.roundMs));
  }
  return new Map(runs.map((run) => [run.variant.name, median(run.rates)]));
}

/** Median and 99th percentile of per-call latency in microseconds, measured one call at a time. */
export async function latency(op: () => unknown, calls: number): Promise<{ medianUs: number; p99Us: number }> {
  const samples: number[] = [];
  for (let i = 0; i < calls; i++) {
    const start = process.hrtime.bigint();
    await op();
    samples.push(Number(process.hrtime.bigint() - start) / 1000);
  }
  return { medianUs: median(samples), p99Us: quantile(samples, 0.99) };
}

/** A random element of `items`, which must not be empty. */
export function pick<T>(items: readonly T[]): T {
  const item = items[Math.floor(Math.random() * items.length)];
  if (item === undefined) throw new RangeError('pick: no items to pick from');
  return item;
}
