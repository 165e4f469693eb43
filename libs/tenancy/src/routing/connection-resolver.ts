import { Inject, Injectable } from '@nestjs/common';
import { SwitchyardConfig } from '@switchyard/config';
import type { Tier } from '@switchyard/control-plane';
import { DomainError } from '@switchyard/errors';
import { PlacementCache } from '../placement/placement-cache';
import type { Placement } from '../placement/placement';
import { TIER_STRATEGIES, type Route, type TierStrategy } from './tier-strategy';

export interface ResolvedConnection {
  placement: Placement;
  /** Where the tenant's rows are and the context every statement there runs with. */
  route: Route;
}

const FROZEN_POLL_MS = 50;

/**
 * Tenant id → (placement, route). Routes are computed once per cached placement object, so a
 * warm resolution is a few map lookups. A tenant frozen by a move's cutover is waited for (up to
 * TENANT_FREEZE_WAIT_MS), then refused with TENANT_FROZEN (503 with Retry-After).
 */
@Injectable()
export class ConnectionResolver {
  private readonly strategies: Map<Tier, TierStrategy>;
  private readonly routes = new WeakMap<Placement, Route>();

  constructor(
    @Inject(TIER_STRATEGIES) strategies: TierStrategy[],
    private readonly placements: PlacementCache,
    private readonly config: SwitchyardConfig,
  ) {
    this.strategies = new Map(strategies.map((s) => [s.tier, s]));
  }

  /** The route from a cached, unfrozen placement, without waiting; undefined otherwise (then `resolve`). */
  resolveCached(tenantId: string): ResolvedConnection | undefined {
    const placement = this.placements.peek(tenantId);
    return placement && placement.state !== 'frozen' ? this.resolved(placement) : undefined;
  }

  /** Resolves an active tenant; unknown, suspended or offboarding tenants are refused. */
  async resolve(tenantId: string): Promise<ResolvedConnection> {
    let placement = this.placements.peek(tenantId) ?? (await this.placements.get(tenantId));
    if (placement.state === 'frozen') placement = await this.waitWhileFrozen(tenantId);
    return this.resolved(placement);
  }

  private resolved(placement: Placement): ResolvedConnection {
    if (placement.status !== 'active') {
      throw new DomainError(
        placement.status === 'suspended' ? 'TENANT_SUSPENDED' : 'TENANT_NOT_ACTIVE',
        `Tenant is ${placement.status}`,
      );
    }
    return { placement, route: this.route(placement) };
  }

  /** Drops the cached placement so the next resolution reads the control plane (after a fence). */
  forget(tenantId: string): void {
    this.placements.invalidate(tenantId);
  }

  private async waitWhileFrozen(tenantId: string): Promise<Placement> {
    const deadline = Date.now() + this.config.placementCache.freezeWaitMs;
    while (Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, FROZEN_POLL_MS));
      const placement = await this.placements.refresh(tenantId);
      if (placement.state !== 'frozen') return placement;
    }
    throw new DomainError('TENANT_FROZEN', 'The tenant is being moved; retry shortly', { retryAfterSeconds: 1 });
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
