import { Injectable, type OnApplicationShutdown } from '@nestjs/common';
import { SwitchyardConfig } from '@switchyard/config';
import { ServerDirectory } from '@switchyard/control-plane';
import { createResilientPool, endPool } from '@switchyard/postgres';
import type { Pool } from 'pg';

export type PoolKind = 'shared' | 'tenant-database';

interface Entry {
  pool: Pool;
  kind: PoolKind;
  lastUsed: number;
}

/**
 * Application-role pools, one per (server, database). Shared cells get a large long-lived pool; each
 * dedicated tenant database gets a small one that is closed when idle, so many siloed tenants do not pin
 * connections they are not using.
 */
@Injectable()
export class PoolRegistry implements OnApplicationShutdown {
  private readonly pools = new Map<string, Entry>();
  private readonly sweeper: NodeJS.Timeout;

  constructor(
    private readonly config: SwitchyardConfig,
    private readonly servers: ServerDirectory,
  ) {
    this.sweeper = setInterval(() => this.closeIdle(), Math.max(1_000, config.pools.idleTimeoutMs)).unref();
  }

  get(server: string, database: string, kind: PoolKind): Pool {
    const key = `${server}/${database}`;
    let entry = this.pools.get(key);
    if (!entry) {
      entry = { pool: this.create(server, database, kind), kind, lastUsed: 0 };
      this.pools.set(key, entry);
    }
    entry.lastUsed = Date.now();
    return entry.pool;
  }

  /** Closes the pool of one database (e.g. before it is dropped). */
  async close(server: string, database: string): Promise<void> {
    const key = `${server}/${database}`;
    const entry = this.pools.get(key);
    if (!entry) return;
    this.pools.delete(key);
    await endPool(entry.pool);
  }

  stats(): { key: string; kind: PoolKind; total: number; idle: number; waiting: number }[] {
    return [...this.pools].map(([key, e]) => ({
      key,
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
        max: kind === 'shared' ? pools.sharedMax : pools.databaseMax,
        idleTimeoutMillis: pools.idleTimeoutMs,
        connectionTimeoutMillis: pools.connectTimeoutMs,
        statement_timeout: pools.statementTimeoutMs,
        application_name: 'switchyard',
      },
      `pool ${server}/${database}`,
    );
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
