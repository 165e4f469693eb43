import { Injectable, Logger, type OnApplicationShutdown } from '@nestjs/common';
import { SwitchyardConfig } from '@switchyard/config';
import { ServerDirectory } from '@switchyard/control-plane';
import { bestEffort, createResilientPool, endPool } from '@switchyard/postgres';
import type { Pool, PoolClient } from 'pg';
import { budgetedClient } from './budgeted-client';
import { ConnectionBudgets } from './connection-budgets';

export type PoolKind = 'shared' | 'tenant-database';

interface Entry {
  pool: Pool;
  server: string;
  kind: PoolKind;
  lastUsed: number;
}

export interface PoolStats {
  key: string;
  server: string;
  kind: PoolKind;
  total: number;
  idle: number;
  waiting: number;
}

const logger = new Logger('PoolRegistry');

/**
 * Application-role pools, one per (server, database). Shared cells get a large long-lived pool; each
 * dedicated tenant database gets a small one, opened on first use and closed when idle, so many siloed
 * tenants do not pin connections they are not using. All pools to a server draw their connections from
 * its connection budget; when a new connection has to wait for it, idle connections of the least
 * recently used pools of that server are closed to make room.
 */
@Injectable()
export class PoolRegistry implements OnApplicationShutdown {
  private readonly pools = new Map<string, Entry>();
  private readonly sweeper: NodeJS.Timeout;

  constructor(
    private readonly config: SwitchyardConfig,
    private readonly servers: ServerDirectory,
    private readonly budgets: ConnectionBudgets,
  ) {
    this.sweeper = setInterval(() => this.closeIdle(), Math.max(1_000, config.pools.idleTimeoutMs)).unref();
  }

  get(server: string, database: string, kind: PoolKind): Pool {
    const key = `${server}/${database}`;
    let entry = this.pools.get(key);
    if (!entry) {
      entry = { pool: this.create(server, database, kind), server, kind, lastUsed: 0 };
      this.pools.set(key, entry);
    }
    entry.lastUsed = Date.now();
    return entry.pool;
  }

  /**
   * A connection of the pool of (server, database), taken in the same tick as the pool is looked up: a
   * pool closed for being idle is never handed out.
   */
  connect(server: string, database: string, kind: PoolKind): Promise<PoolClient> {
    return this.get(server, database, kind).connect();
  }

  /** Closes the pool of one database (e.g. before it is dropped). */
  async close(server: string, database: string): Promise<void> {
    const key = `${server}/${database}`;
    const entry = this.pools.get(key);
    if (!entry) return;
    this.pools.delete(key);
    await endPool(entry.pool);
  }

  stats(): PoolStats[] {
    return [...this.pools].map(([key, e]) => ({
      key,
      server: e.server,
      kind: e.kind,
      total: e.pool.totalCount,
      idle: e.pool.idleCount,
      waiting: e.pool.waitingCount,
    }));
  }

  private create(server: string, database: string, kind: PoolKind): Pool {
    const { pools } = this.config;
    // A client can die idle or checked out (server restart, DROP DATABASE … WITH (FORCE)): the resilient
    // pool hears it, and pg-pool never hands a dead client out again.
    return createResilientPool(
      {
        connectionString: this.servers.appUrl(server, database),
        Client: budgetedClient({
          server,
          permits: () => this.budgets.of(server, database),
          connectTimeoutMs: pools.connectTimeoutMs,
          relieve: () => this.relieve(server),
        }) as never,
        max: kind === 'shared' ? pools.sharedMax : pools.databaseMax,
        idleTimeoutMillis: pools.idleTimeoutMs,
        connectionTimeoutMillis: pools.connectTimeoutMs,
        maxLifetimeSeconds: pools.maxLifetimeSeconds,
        statement_timeout: pools.statementTimeoutMs,
        application_name: 'switchyard',
      },
      `pool ${server}/${database}`,
    );
  }

  /**
   * A connection to `server` waits for the budget: close the least recently used pool of the server
   * that is entirely idle (a tenant database nobody is using), or else one idle connection of the least
   * recently used pool that has one. Each closed connection gives its permit to the next in line.
   */
  private relieve(server: string): void {
    const idle = [...this.pools]
      .filter(([, e]) => e.server === server && e.pool.idleCount > 0 && e.pool.waitingCount === 0)
      .sort(([, a], [, b]) => a.lastUsed - b.lastUsed);
    const unused = idle.find(([, e]) => e.kind === 'tenant-database' && e.pool.idleCount === e.pool.totalCount);
    if (unused) {
      this.pools.delete(unused[0]);
      void endPool(unused[1].pool);
      return;
    }
    const [, lru] = idle[0] ?? [];
    if (!lru) return;
    // Checking out an idle connection and destroying it is pg-pool's public way to close just one.
    void bestEffort(logger, 'closing an idle connection', async () => (await lru.pool.connect()).release(true));
  }

  private closeIdle(): void {
    const cutoff = Date.now() - this.config.pools.idleTimeoutMs;
    for (const [key, entry] of this.pools) {
      if (
        entry.kind === 'tenant-database' &&
        entry.lastUsed < cutoff &&
        entry.pool.waitingCount === 0 &&
        entry.pool.idleCount === entry.pool.totalCount
      ) {
        this.pools.delete(key);
        void endPool(entry.pool);
      }
    }
  }

  async onApplicationShutdown(): Promise<void> {
    clearInterval(this.sweeper);
    const entries = [...this.pools.values()];
    this.pools.clear();
    await Promise.all(entries.map((e) => endPool(e.pool)));
  }
}
