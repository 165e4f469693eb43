import type { Tier } from '@switchyard/control-plane';
import type { PoolKind } from '../pools/pool-registry';
import type { Placement } from '../placement/placement';

/** How to reach a tenant's rows: which pool, and the transaction prologue that scopes the connection. */
export interface Route {
  server: string;
  database: string;
  poolKind: PoolKind;
  /**
   * `BEGIN` plus the transaction-local tenant context (I4), sent as one simple-protocol message so the
   * context costs no extra round trip. Built only from the validated tenant UUID and names derived from
   * it, never from other input (I6).
   */
  prologue: string;
}

/** One implementation per tier: the only place that knows how a tier isolates a tenant. */
export interface TierStrategy {
  readonly tier: Tier;
  route(placement: Placement): Route;
}

export const TIER_STRATEGIES = Symbol('TIER_STRATEGIES');

/** The prologue every tier shares; `searchPath` is a quoted identifier. */
export function transactionPrologue(tenantId: string, searchPath: string): string {
  return `BEGIN; SELECT set_config('switchyard.tenant_id', '${tenantId}', true), set_config('search_path', '${searchPath}', true)`;
}
