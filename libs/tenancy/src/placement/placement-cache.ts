import { Injectable, type OnModuleDestroy } from '@nestjs/common';
import { SwitchyardConfig } from '@switchyard/config';
import { PlacementInvalidations, TenantsRepository } from '@switchyard/control-plane';
import { DomainError } from '@switchyard/errors';
import { isUuid } from '@switchyard/postgres';
import { LRUCache } from 'lru-cache';
import type { Placement } from './placement';

/**
 * In-process cache of placements. A hit is a Map lookup (the hot path); a miss reads the control plane
 * once even under a burst of concurrent requests. Entries are dropped on every invalidation (same process
 * at once; other processes through LISTEN/NOTIFY on the control plane, and Redis where configured), all of
 * them when an invalidation channel reconnects (it may have missed messages), and expire after
 * PLACEMENT_CACHE_TTL_MS as a safety net. A stale entry can cost time, never correctness: the old
 * location is fenced for the tenant's reads and writes (I5).
 */
@Injectable()
export class PlacementCache implements OnModuleDestroy {
  private readonly cache: LRUCache<string, Placement>;
  private readonly loading = new Map<string, Promise<Placement>>();
  private readonly generation = new Map<string, number>();
  /** Bumped when everything is dropped, so a read in flight across the reset is not cached either. */
  private epoch = 0;
  private readonly unsubscribe: () => void;

  constructor(
    config: SwitchyardConfig,
    private readonly tenants: TenantsRepository,
    invalidations: PlacementInvalidations,
  ) {
    this.cache = new LRUCache({ max: config.placementCache.max, ttl: config.placementCache.ttlMs });
    this.unsubscribe = invalidations.subscribe({
      tenant: (tenantId) => this.invalidate(tenantId),
      all: () => this.invalidateAll(),
    });
  }

  /** Cached placement, or undefined: the synchronous fast path. */
  peek(tenantId: string): Placement | undefined {
    return this.cache.get(tenantId);
  }

  async get(tenantId: string): Promise<Placement> {
    return this.cache.get(tenantId) ?? this.load(tenantId);
  }

  /** Reads the placement from the control plane again (after a fence or while frozen). */
  refresh(tenantId: string): Promise<Placement> {
    this.invalidate(tenantId);
    return this.load(tenantId);
  }

  invalidate(tenantId: string): void {
    this.cache.delete(tenantId);
    this.loading.delete(tenantId);
    this.generation.set(tenantId, (this.generation.get(tenantId) ?? 0) + 1);
  }

  invalidateAll(): void {
    this.cache.clear();
    this.loading.clear();
    this.epoch++;
  }

  private load(tenantId: string): Promise<Placement> {
    const inFlight = this.loading.get(tenantId);
    if (inFlight) return inFlight;
    const generation = this.generation.get(tenantId) ?? 0;
    const epoch = this.epoch;
    const promise = this.read(tenantId).then(
      (placement) => {
        // An invalidation that arrived while reading makes this result stale: do not cache it.
        if ((this.generation.get(tenantId) ?? 0) === generation && this.epoch === epoch)
          this.cache.set(tenantId, placement);
        if (this.loading.get(tenantId) === promise) this.loading.delete(tenantId);
        return placement;
      },
      (error: unknown) => {
        if (this.loading.get(tenantId) === promise) this.loading.delete(tenantId);
        throw error;
      },
    );
    this.loading.set(tenantId, promise);
    return promise;
  }

  private async read(tenantId: string): Promise<Placement> {
    const tenant = isUuid(tenantId) ? await this.tenants.findById(tenantId) : undefined;
    if (!tenant) throw new DomainError('TENANT_NOT_FOUND', 'Unknown tenant');
    return {
      tenantId: tenant.id,
      slug: tenant.slug,
      name: tenant.name,
      status: tenant.status,
      tier: tenant.tier,
      server: tenant.placement.server,
      database: tenant.placement.database,
      schema: tenant.placement.schema,
      version: tenant.version,
      state: tenant.state,
    };
  }

  onModuleDestroy(): void {
    this.unsubscribe();
  }
}
