import { Injectable, Logger, type OnModuleDestroy } from '@nestjs/common';
import { SwitchyardConfig } from '@switchyard/config';
import { ServerDirectory } from '@switchyard/control-plane';
import { Pool } from 'pg';

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
export class PoolRegistry implements OnModuleDestroy {
  private readonly logger = new Logger(PoolRegistry.name);
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
    await entry.pool.end().catch(() => undefined);
  }

  stats(): { key: string; kind: PoolKind; total: number; idle: number; waiting: number }[] {
    return [...this.pools].map(([key, e]) => ({ key, kind: e.kind, total: e.pool.totalCount, idle: e.pool.idleCount, waiting: e.pool.waitingCount }));
  }

  private create(server: string, database: string, kind: PoolKind): Pool {
    const { pools } = this.config;
    const pool = new Pool({
      connectionString: this.servers.appUrl(server, database),
      max: kind === 'shared' ? pools.sharedMax : pools.databaseMax,
      idleTimeoutMillis: pools.idleTimeoutMs,
      statement_timeout: pools.statementTimeoutMs,
      application_name: 'switchyard',
    });
    // An idle client can die (server restart, DROP DATABASE … WITH (FORCE)); pg emits it here.
    pool.on('error', (error) => this.logger.warn(`pool ${server}/${database}: ${error.message}`));
    return pool;
  }

  private closeIdle(): void {
    const cutoff = Date.now() - this.config.pools.idleTimeoutMs;
    for (const [key, entry] of this.pools) {
      if (entry.kind === 'tenant-database' && entry.lastUsed < cutoff && entry.pool.waitingCount === 0 && entry.pool.idleCount === entry.pool.totalCount) {
        this.pools.delete(key);
        void entry.pool.end().catch(() => undefined);
      }
    }
  }

  async onModuleDestroy(): Promise<void> {
    clearInterval(this.sweeper);
    const entries = [...this.pools.values()];
    this.pools.clear();
    await Promise.all(entries.map((e) => e.pool.end().catch(() => undefined)));
  }
}
