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

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

/**
 * Measures variants side by side: after a warm-up of each, rounds alternate between variants so that
 * drift on a noisy machine (other load, CPU frequency) hits all of them alike. Reports the median round.
 */
export async function compare(variants: Variant[], options: MeasureOptions): Promise<Map<Variant['name'], number>> {
  for (const v of variants) await throughput(v.op, options.concurrency, options.warmupMs);
  const results = new Map<Variant['name'], number[]>(variants.map((v) => [v.name, []]));
  for (let round = 0; round < options.rounds; round++) {
    const order = round % 2 === 0 ? variants : [...variants].reverse();
    for (const v of order) results.get(v.name)!.push(await throughput(v.op, options.concurrency, options.roundMs));
  }
  return new Map([...results].map(([name, rounds]) => [name, median(rounds)]));
}

/** Median and 99th percentile of per-call latency in microseconds, measured one call at a time. */
export async function latency(op: () => unknown, calls: number): Promise<{ medianUs: number; p99Us: number }> {
  const samples: number[] = [];
  for (let i = 0; i < calls; i++) {
    const start = process.hrtime.bigint();
    await op();
    samples.push(Number(process.hrtime.bigint() - start) / 1000);
  }
  samples.sort((a, b) => a - b);
  return { medianUs: median(samples), p99Us: samples[Math.min(samples.length - 1, Math.floor(samples.length * 0.99))] };
}

export function pick<T>(items: readonly T[]): T {
  return items[Math.floor(Math.random() * items.length)];
}
