import type { Tier } from '@switchyard/control-plane';
import type { PoolKind } from '../pools/pool-registry';
import type { Placement } from '../placement/placement';
import type { TenantScope } from '../wire/scoped-query';

/** How to reach a tenant's rows: which pool, and the context that scopes every statement on it. */
export interface Route {
  server: string;
  database: string;
  poolKind: PoolKind;
  /** The transaction-local context every statement of the tenant runs with (I4). */
  scope: TenantScope;
}

/** One implementation per tier: the only place that knows how a tier isolates a tenant. */
export interface TierStrategy {
  readonly tier: Tier;
  route(placement: Placement): Route;
}

export const TIER_STRATEGIES = Symbol('TIER_STRATEGIES');
