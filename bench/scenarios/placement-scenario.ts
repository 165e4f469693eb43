import type { ConnectionResolver, PlacementCache } from '@switchyard/tenancy';
import type { BenchTenant } from '../fixture';
import { quantile } from '../measure';

export interface PlacementResult {
  warmMedianUs: number;
  coldMedianUs: number;
  coldP99Us: number;
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
  if (ids.length === 0) throw new Error('measurePlacement needs at least one tenant');
  for (const id of ids) await resolver.resolve(id);
  // Cycles through the tenants without end: the i-th call resolves ids[i % ids.length].
  const cycle = function* () {
    for (;;) yield* ids;
  };
  const warm = cycle();
  const batches: number[] = [];
  for (let batch = 0; batch < 50; batch++) {
    const start = process.hrtime.bigint();
    for (let i = 0; i < 1_000; i++) await resolver.resolve(warm.next().value);
    batches.push(Number(process.hrtime.bigint() - start) / 1_000 / 1_000);
  }
  const cold: number[] = [];
  const coldIds = cycle();
  for (let i = 0; i < 300; i++) {
    const id = coldIds.next().value;
    cache.invalidate(id);
    const start = process.hrtime.bigint();
    await resolver.resolve(id);
    cold.push(Number(process.hrtime.bigint() - start) / 1_000);
  }
  return { warmMedianUs: quantile(batches, 0.5), coldMedianUs: quantile(cold, 0.5), coldP99Us: quantile(cold, 0.99) };
}
