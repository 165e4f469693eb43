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

  async acquire(pool: string, tenantId: string, cap: number, waitMs: number): Promise<Release> {
    const key = `${pool}|${tenantId}`;
    let lane = this.lanes.get(key);
    if (!lane) {
      lane = new Permits(cap);
      this.lanes.set(key, lane);
    }
    const taken = lane;
    try {
      const release = await taken.acquire(waitMs, () => busy());
      return () => {
        release();
        this.forgetIfIdle(key, taken);
      };
    } catch (error) {
      this.forgetIfIdle(key, taken);
      throw error;
    }
  }

  /** Connections a tenant holds now of a pool (for metrics and tests). */
  holding(pool: string, tenantId: string): number {
    return this.lanes.get(`${pool}|${tenantId}`)?.inUse ?? 0;
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
