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
  private readonly lanes = new Map<string, Permits>();

  /** A share taken at once, or undefined when the tenant holds its whole share (then `acquire`). */
  tryAcquire(pool: string, tenantId: string, cap: number): Release | undefined {
    const key = `${pool}|${tenantId}`;
    const lane = this.laneOf(key, cap);
    const release = lane.tryAcquire();
    if (release) return this.giveBack(key, lane, release);
    this.forgetIfIdle(key, lane);
    return undefined;
  }

  async acquire(pool: string, tenantId: string, cap: number, waitMs: number): Promise<Release> {
    const key = `${pool}|${tenantId}`;
    const lane = this.laneOf(key, cap);
    try {
      return this.giveBack(key, lane, await lane.acquire(waitMs, () => busy()));
    } catch (error) {
      this.forgetIfIdle(key, lane);
      throw error;
    }
  }

  /** Connections a tenant holds now of a pool (for metrics and tests). */
  holding(pool: string, tenantId: string): number {
    return this.lanes.get(`${pool}|${tenantId}`)?.inUse ?? 0;
  }

  private laneOf(key: string, cap: number): Permits {
    let lane = this.lanes.get(key);
    if (!lane) {
      lane = new Permits(cap);
      this.lanes.set(key, lane);
    }
    return lane;
  }

  private giveBack(key: string, lane: Permits, release: Release): Release {
    return () => {
      release();
      this.forgetIfIdle(key, lane);
    };
  }

  private forgetIfIdle(key: string, lane: Permits): void {
    if (lane.inUse === 0 && lane.waiting === 0 && this.lanes.get(key) === lane) this.lanes.delete(key);
  }
}

function busy(): DomainError {
  return new DomainError('DATABASE_BUSY', 'This tenant is using its whole share of connections; retry shortly', {
    retryAfterSeconds: 1,
  });
}
