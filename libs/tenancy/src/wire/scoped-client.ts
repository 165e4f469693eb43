import { DomainError } from '@switchyard/errors';
import { drizzle, type NodePgDatabase } from 'drizzle-orm/node-postgres';
import type { PoolClient, QueryConfig, QueryResult } from 'pg';
import { ScopedQuery, type TenantScope } from './scoped-query';
import { StatementCache, type StatementGeneration } from './statement-cache';

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
  private rows = 0;
  private readonly searchPaths = new Set<string>();

  private readonly statements: StatementCache;

  /** `statementCacheSize`: how many named statements this connection keeps prepared on the server. */
  constructor(
    private readonly client: PoolClient,
    statementCacheSize: number,
    generation: StatementGeneration,
  ) {
    this.statements = new StatementCache(statementCacheSize, generation);
    this.db = drizzle(this as unknown as PoolClient);
  }

  /**
   * A query built once per connection by `build` (keyed by the function itself) and reused: drizzle
   * renders the SQL a single time instead of on every request. If `build` names the statement
   * (`.prepare('employees.by_id')`) and PG_PREPARED_STATEMENTS allows it, the server also keeps it
   * parsed and planned per connection; otherwise it is sent unnamed.
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
    this.rows = 0;
    this.searchPaths.add(scope.searchPath);
  }

  /** Distinct schemas this connection has served: each leaves catalog caches in its backend. */
  get schemasServed(): number {
    return this.searchPaths.size;
  }

  close(): void {
    this.scope = undefined;
  }

  /** Rows returned or changed by this checkout's statements (its tenant's usage). */
  get rowsTouched(): number {
    return this.rows;
  }

  /** Statements sent in this checkout (a transaction with none needs no COMMIT). */
  get statementsSent(): number {
    return this.sent;
  }

  query(config: string | QueryConfig, values?: unknown[]): Promise<QueryResult> {
    const scope = this.scope;
    if (!scope)
      return Promise.reject(
        new DomainError('NO_TENANT_CONTEXT', 'This tenant handle was used after its transaction ended'),
      );
    const statement: QueryConfig = typeof config === 'string' ? { text: config } : config;
    // A statement name is a wish: behind a pooler without prepared-statement support it is dropped.
    const name =
      statement.name && scope.preparedStatements
        ? this.statements.serverName(statement.name, scope.searchPath)
        : undefined;
    const first = this.sent++ === 0;
    if (this.mode === 'statement' && !first) {
      return Promise.reject(
        new Error('TenantDb.statement() runs exactly one statement; use TenantDb.transaction() for more'),
      );
    }
    const prologue = first ? { scope, begin: this.mode === 'transaction' } : undefined;
    return new Promise((resolve, reject) => {
      const options = { name, values, prologue, close: this.statements.takeEvicted() };
      this.client.query(
        new ScopedQuery(statement, options, (error, result) => {
          if (error) return reject(error);
          this.rows += result.rowCount ?? result.rows.length;
          resolve(result);
        }),
      );
    });
  }
}
