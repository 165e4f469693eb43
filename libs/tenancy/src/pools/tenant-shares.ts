import { DomainError } from '@switchyard/errors';
import { Permits, type Release } from './permits';

/**
 * Fair shares of a pool that several tenants use (a shared cell): no tenant holds more than `cap` of its
 * connections at once. A tenant's further requests wait in that tenant's own queue, first come first
 * served and at most `waitMs`, so a tenant flooding expensive requests queues behind itself while its
 * neighbours keep the rest of the pool; past `waitMs` it gets a 503 of its own. Every tenant reaches
 * the pool's own queue with at most `cap` requests, so that queue is served fairly too.
 */
export class TenantShares {
  /** Per pool, per tenant: two lookups and no key built on the per-request path. */
  private readonly lanes = new Map<string, Map<string, Permits>>();

  /** A share taken at once, or undefined when the tenant holds its whole share (then `acquire`). */
  tryAcquire(pool: string, tenantId: string, cap: number): Release | undefined {
    const lanes = this.lanesOf(pool);
    const lane = laneOf(lanes, tenantId, cap);
    const release = lane.tryAcquire();
    if (release) return giveBack(lanes, tenantId, lane, release);
    forgetIfIdle(lanes, tenantId, lane);
    return undefined;
  }

  async acquire(pool: string, tenantId: string, cap: number, waitMs: number): Promise<Release> {
    const lanes = this.lanesOf(pool);
    const lane = laneOf(lanes, tenantId, cap);
    try {
      return giveBack(lanes, tenantId, lane, await lane.acquire(waitMs, () => busy()));
    } catch (error) {
      forgetIfIdle(lanes, tenantId, lane);
      throw error;
    }
  }

  /** Connections a tenant holds now of a pool (for metrics and tests). */
  holding(pool: string, tenantId: string): number {
    return this.lanes.get(pool)?.get(tenantId)?.inUse ?? 0;
  }

  private lanesOf(pool: string): Map<string, Permits> {
    let lanes = this.lanes.get(pool);
    if (!lanes) {
      lanes = new Map();
      this.lanes.set(pool, lanes);
    }
    return lanes;
  }
}

function laneOf(lanes: Map<string, Permits>, tenantId: string, cap: number): Permits {
  let lane = lanes.get(tenantId);
  if (!lane) {
    lane = new Permits(cap);
    lanes.set(tenantId, lane);
  }
  return lane;
}

function giveBack(lanes: Map<string, Permits>, tenantId: string, lane: Permits, release: Release): Release {
  return () => {
    release();
    forgetIfIdle(lanes, tenantId, lane);
  };
}

/** An idle tenant keeps no lane: thousands of tenants pass through a cell. */
function forgetIfIdle(lanes: Map<string, Permits>, tenantId: string, lane: Permits): void {
  if (lane.inUse === 0 && lane.waiting === 0 && lanes.get(tenantId) === lane) lanes.delete(tenantId);
}

function busy(): DomainError {
  return new DomainError('DATABASE_BUSY', 'This tenant is using its whole share of connections; retry shortly', {
    retryAfterSeconds: 1,
  });
}
