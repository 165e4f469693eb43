import type { Pool, PoolClient } from 'pg';
import { createResilientPool, endPool } from './resilient-pool';

/**
 * Small owner pools, one per database URL, for administrative work done at scale (migrating or
 * provisioning thousands of targets): connecting once per target would cost more than the work. Only
 * the `maxOpenPools` most recently used pools stay open; an older one is closed as soon as it is idle,
 * so a wave over thousands of databases does not leave a connection behind in each of them.
 */
export class OwnerPools {
  // Map order is use order: a pool is moved to the end each time it is used.
  private readonly pools = new Map<string, Pool>();

  constructor(
    private readonly maxPerDatabase = 4,
    private readonly maxOpenPools = 8,
  ) {}

  async withClient<T>(url: string, fn: (client: PoolClient) => Promise<T>): Promise<T> {
    let pool = this.pools.get(url);
    this.pools.delete(url);
    if (!pool) {
      // An owner connection dropped by the server is simply replaced on the next checkout.
      pool = createResilientPool(
        {
          connectionString: url,
          max: this.maxPerDatabase,
          idleTimeoutMillis: 10_000,
          application_name: 'switchyard-owner',
        },
        'owner pool',
      );
    }
    this.pools.set(url, pool);
    const client = await pool.connect();
    let broken: Error | undefined;
    try {
      return await fn(client);
    } catch (error) {
      // A connection left inside a failed transaction must not be reused as if it were clean.
      broken = await client.query('ROLLBACK').then(
        () => undefined,
        (e: unknown) => (e instanceof Error ? e : new Error(String(e))),
      );
      throw error;
    } finally {
      client.release(broken);
      this.closeLeastRecentlyUsed();
    }
  }

  private closeLeastRecentlyUsed(): void {
    let excess = this.pools.size - this.maxOpenPools;
    for (const [url, pool] of this.pools) {
      if (excess <= 0) return;
      if (pool.waitingCount > 0 || pool.idleCount < pool.totalCount) continue;
      this.pools.delete(url);
      void endPool(pool);
      excess--;
    }
  }

  /** Closes the pool of one database (before it is dropped). */
  async close(url: string): Promise<void> {
    const pool = this.pools.get(url);
    this.pools.delete(url);
    if (pool) await endPool(pool);
  }

  /** Nest calls this last on shutdown: moves and runs wind down through these pools first. */
  async onApplicationShutdown(): Promise<void> {
    const pools = [...this.pools.values()];
    this.pools.clear();
    await Promise.all(pools.map(endPool));
  }
}
