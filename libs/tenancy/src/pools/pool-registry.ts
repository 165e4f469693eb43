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

  /** The pool of (server, database) — of a partitioned shared cell, its first partition. */
  get(server: string, database: string, kind: PoolKind): Pool {
    return this.partition(server, database, kind, this.partitioned(kind) ? 0 : undefined);
  }

  /**
   * A connection to (server, database), taken in the same tick as the pool is looked up: a pool closed
   * for being idle is never handed out. In a partitioned shared cell `affinity` (the tenant's schema,
   * or its id in the shared schema) picks the two home partitions that serve it, and the connection
   * comes from the one more likely to have it at once: each schema is mostly served by a few
   * connections, whose backends therefore keep the catalog of a few schemas warm instead of every
   * schema's. When both are busy, a free connection elsewhere is taken rather than waiting.
   */
  connect(server: string, database: string, kind: PoolKind, affinity?: string): Promise<PoolClient> {
    if (!this.partitioned(kind) || affinity === undefined) return this.get(server, database, kind).connect();
    const count = this.config.pools.sharedPartitions;
    const [first, second] = partitionsOf(affinity, count);
    const a = this.partition(server, database, kind, first);
    const b = this.partition(server, database, kind, second);
    const home = readiness(b) < readiness(a) ? b : a;
    if (readiness(home) < 2 + SPILL_QUEUE) return home.connect();
    // Both home partitions have a long queue (a heavy tenant, or a burst): any partition with a free
    // connection rather than that queue. Only then: a connection serving a schema outside its share
    // prepares its statements and caches its catalog once more, and spilling at the first wait made
    // round-robin reads over thousands of schemas miss the statement cache on most checkouts (0.4×).
    for (let i = 0; i < count; i++) {
      const other = this.partition(server, database, kind, i);
      if (readiness(other) <= 1) return other.connect();
    }
    return home.connect();
  }

  /** Closes the pool(s) of one database (e.g. before it is dropped). */
  async close(server: string, database: string): Promise<void> {
    const prefix = `${server}/${database}`;
    const closing = [...this.pools].filter(([key]) => key === prefix || key.startsWith(`${prefix}#`));
    for (const [key] of closing) this.pools.delete(key);
    await Promise.all(closing.map(([, entry]) => endPool(entry.pool)));
  }

  private partitioned(kind: PoolKind): boolean {
    return kind === 'shared' && this.config.pools.sharedPartitions > 1;
  }

  private partition(server: string, database: string, kind: PoolKind, index: number | undefined): Pool {
    const key = index === undefined ? `${server}/${database}` : `${server}/${database}#${index}`;
    let entry = this.pools.get(key);
    if (!entry) {
      entry = { pool: this.create(server, database, kind), server, kind, lastUsed: 0 };
      this.pools.set(key, entry);
    }
    entry.lastUsed = Date.now();
    return entry.pool;
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
        max: !this.partitioned(kind)
          ? kind === 'shared'
            ? pools.sharedMax
            : pools.databaseMax
          : partitionSize(pools.sharedMax, pools.sharedPartitions),
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

/** Waiters on both home partitions before a checkout goes to any partition with a free connection. */
const SPILL_QUEUE = 4;

const partitionSize = (max: number, partitions: number) => Math.max(1, Math.ceil(max / partitions));

/** Lower is better: an idle connection, then room for a new one, then the shortest queue. */
function readiness(pool: Pool): number {
  if (pool.idleCount > 0) return 0;
  if (pool.totalCount < (pool.options.max ?? 1)) return 1;
  return 2 + pool.waitingCount;
}

/** Two distinct partitions of `count` for `key` (FNV-1a), the same in every process. */
export function partitionsOf(key: string, count: number): [number, number] {
  let hash = 0x811c9dc5;
  for (let i = 0; i < key.length; i++) hash = Math.imul(hash ^ key.charCodeAt(i), 0x01000193) >>> 0;
  const first = hash % count;
  const second = count > 1 ? (first + 1 + ((hash >>> 16) % (count - 1))) % count : first;
  return [first, second];
}
