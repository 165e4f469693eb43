import type { ConnectionResolver, PlacementCache } from '@switchyard/tenancy';
import type { BenchTenant } from '../fixture';

export interface PlacementResult {
  warmMedianUs: number;
  coldMedianUs: number;
  coldP99Us: number;
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[sorted.length >> 1];
}

/**
 * Warm: resolving tenants whose placement is cached (what every request pays), timed in batches of
 * 1,000 calls because one call is shorter than the clock's useful resolution. Cold: the entry was just
 * invalidated, so the resolution reads the control plane.
 */
export async function measurePlacement(
  resolver: ConnectionResolver,
  cache: PlacementCache,
  tenants: BenchTenant[],
): Promise<PlacementResult> {
  const ids = tenants.map((t) => t.tenant.id);
  for (const id of ids) await resolver.resolve(id);
  const batches: number[] = [];
  for (let batch = 0; batch < 50; batch++) {
    const start = process.hrtime.bigint();
    for (let i = 0; i < 1_000; i++) await resolver.resolve(ids[(batch * 1_000 + i) % ids.length]);
    batches.push(Number(process.hrtime.bigint() - start) / 1_000 / 1_000);
  }
  const cold: number[] = [];
  for (let i = 0; i < 300; i++) {
    const id = ids[i % ids.length];
    cache.invalidate(id);
    const start = process.hrtime.bigint();
    await resolver.resolve(id);
    cold.push(Number(process.hrtime.bigint() - start) / 1_000);
  }
  cold.sort((a, b) => a - b);
  return { warmMedianUs: median(batches), coldMedianUs: median(cold), coldP99Us: cold[Math.floor(cold.length * 0.99)] };
}
