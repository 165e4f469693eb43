import { Inject, Injectable } from '@nestjs/common';
import type { Tier } from '@switchyard/control-plane';
import { DomainError } from '@switchyard/errors';
import type { Pool } from 'pg';
import { PlacementCache } from '../placement/placement-cache';
import type { Placement } from '../placement/placement';
import { PoolRegistry } from '../pools/pool-registry';
import type { TenantScope } from '../wire/scoped-query';
import { TIER_STRATEGIES, type Route, type TierStrategy } from './tier-strategy';

export interface ResolvedConnection {
  placement: Placement;
  pool: Pool;
  scope: TenantScope;
}

/**
 * Tenant id → (placement, pool, scope). Routes are computed once per cached placement object, so a
 * warm resolution is a few map lookups.
 */
@Injectable()
export class ConnectionResolver {
  private readonly strategies: Map<Tier, TierStrategy>;
  private readonly routes = new WeakMap<Placement, Route>();

  constructor(
    @Inject(TIER_STRATEGIES) strategies: TierStrategy[],
    private readonly placements: PlacementCache,
    private readonly pools: PoolRegistry,
  ) {
    this.strategies = new Map(strategies.map((s) => [s.tier, s]));
  }

  /** Resolves an active tenant; unknown, suspended or offboarding tenants are refused. */
  async resolve(tenantId: string): Promise<ResolvedConnection> {
    const placement = this.placements.peek(tenantId) ?? (await this.placements.get(tenantId));
    if (placement.status !== 'active') {
      throw new DomainError(placement.status === 'suspended' ? 'TENANT_SUSPENDED' : 'TENANT_NOT_ACTIVE', `Tenant is ${placement.status}`);
    }
    const route = this.route(placement);
    return { placement, pool: this.pools.get(route.server, route.database, route.poolKind), scope: route.scope };
  }

  private route(placement: Placement): Route {
    let route = this.routes.get(placement);
    if (!route) {
      const strategy = this.strategies.get(placement.tier);
      if (!strategy) throw new DomainError('TENANT_NOT_FOUND', `Unknown tier ${placement.tier}`);
      route = strategy.route(placement);
      this.routes.set(placement, route);
    }
    return route;
  }
}
