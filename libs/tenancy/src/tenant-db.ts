import { Injectable } from '@nestjs/common';
import { DomainError } from '@switchyard/errors';
import { drizzle, type NodePgDatabase } from 'drizzle-orm/node-postgres';
import type { PoolClient } from 'pg';
import { TenantContext } from './context/tenant-context';
import { ConnectionResolver } from './routing/connection-resolver';

/** What a repository works with inside a tenant transaction: a drizzle handle and the tenant's id. */
export interface TenantTx {
  readonly db: NodePgDatabase;
  readonly tenantId: string;
}

/**
 * The tier-agnostic handle. Every piece of tenant work runs in a transaction on the tenant's placement
 * whose tenant context is transaction-local (I4): it is set in the same message as BEGIN and vanishes at
 * COMMIT or ROLLBACK, so a pooled connection never carries one tenant's context into the next request.
 */
@Injectable()
export class TenantDb {
  // drizzle binds a client object; pg reuses PoolClient objects, so one wrapper per connection suffices.
  private readonly drizzles = new WeakMap<PoolClient, NodePgDatabase>();

  constructor(
    private readonly context: TenantContext,
    private readonly resolver: ConnectionResolver,
  ) {}

  /** Runs `fn` for the tenant of the current request; without one, nothing runs (fail closed). */
  transaction<T>(fn: (tx: TenantTx) => Promise<T>): Promise<T> {
    const tenantId = this.context.tenantId();
    if (!tenantId) return Promise.reject(new DomainError('NO_TENANT_CONTEXT', 'No tenant in context'));
    return this.transactionFor(tenantId, fn);
  }

  /** Runs `fn` for an explicitly named tenant (jobs, scripts, tests). */
  async transactionFor<T>(tenantId: string, fn: (tx: TenantTx) => Promise<T>): Promise<T> {
    const { pool, prologue } = await this.resolver.resolve(tenantId);
    const client = await pool.connect();
    let broken: Error | undefined;
    try {
      await client.query(prologue);
      const result = await fn({ db: this.drizzleFor(client), tenantId });
      await client.query('COMMIT');
      return result;
    } catch (error) {
      try {
        await client.query('ROLLBACK');
      } catch (rollbackError) {
        // The connection is unusable (e.g. terminated); destroy it rather than return it to the pool.
        broken = rollbackError instanceof Error ? rollbackError : new Error(String(rollbackError));
      }
      throw error;
    } finally {
      client.release(broken);
    }
  }

  private drizzleFor(client: PoolClient): NodePgDatabase {
    let db = this.drizzles.get(client);
    if (!db) {
      db = drizzle(client);
      this.drizzles.set(client, db);
    }
    return db;
  }
}
