import { DomainError } from '@switchyard/errors';
import { drizzle, type NodePgDatabase } from 'drizzle-orm/node-postgres';
import type { PoolClient, QueryConfig, QueryResult } from 'pg';
import { ScopedQuery, type TenantScope } from './scoped-query';

export type ScopeMode = 'statement' | 'transaction';

/**
 * What drizzle talks to instead of the pool client: it attaches the tenant context to the first
 * statement of each checkout (ScopedQuery), enforces the one-statement contract of `statement` mode,
 * and refuses any use once the checkout is over, so a leaked handle fails closed instead of running
 * without — or with a stale — context. One per pooled connection, reused across checkouts.
 */
export class ScopedClient {
  readonly db: NodePgDatabase;
  private readonly preparedQueries = new Map<(db: NodePgDatabase) => unknown, unknown>();
  private scope?: TenantScope;
  private mode: ScopeMode = 'statement';
  private sent = 0;

  constructor(private readonly client: PoolClient) {
    this.db = drizzle(this as unknown as PoolClient);
  }

  /**
   * A query built once per connection by `build` (keyed by the function itself) and reused: drizzle
   * renders the SQL a single time instead of on every request. The statement stays unnamed on the
   * server, so this is safe behind PgBouncer in transaction mode.
   */
  prepared<Q>(build: (db: NodePgDatabase) => Q): Q {
    let query = this.preparedQueries.get(build) as Q | undefined;
    if (query === undefined) {
      query = build(this.db);
      this.preparedQueries.set(build, query);
    }
    return query;
  }

  /** The handle repositories get for this checkout. */
  tx(tenantId: string): { db: NodePgDatabase; tenantId: string; prepared: ScopedClient['prepared'] } {
    return { db: this.db, tenantId, prepared: this.boundPrepared };
  }

  private readonly boundPrepared = this.prepared.bind(this);

  open(scope: TenantScope, mode: ScopeMode): void {
    this.scope = scope;
    this.mode = mode;
    this.sent = 0;
  }

  close(): void {
    this.scope = undefined;
  }

  /** Statements sent in this checkout (a transaction with none needs no COMMIT). */
  get statementsSent(): number {
    return this.sent;
  }

  query(config: string | QueryConfig, values?: unknown[]): Promise<QueryResult> {
    const scope = this.scope;
    if (!scope) return Promise.reject(new DomainError('NO_TENANT_CONTEXT', 'This tenant handle was used after its transaction ended'));
    const normalized: QueryConfig = typeof config === 'string' ? { text: config, values } : { ...config, values: values ?? config.values };
    const first = this.sent++ === 0;
    if (this.mode === 'statement' && !first) {
      return Promise.reject(new Error('TenantDb.statement() runs exactly one statement; use TenantDb.transaction() for more'));
    }
    if (!first) return this.client.query(normalized);
    return new Promise((resolve, reject) => {
      this.client.query(
        new ScopedQuery(normalized, scope, this.mode === 'transaction', (error, result) => (error ? reject(error) : resolve(result))),
      );
    });
  }
}
