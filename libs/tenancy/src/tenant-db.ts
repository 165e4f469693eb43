import { Injectable } from '@nestjs/common';
import { SwitchyardConfig } from '@switchyard/config';
import { DomainError, isDomainError } from '@switchyard/errors';
import { asPlatformError, pgErrorOf, READ_FENCE_SQLSTATE } from '@switchyard/postgres';
import type { NodePgDatabase } from 'drizzle-orm/node-postgres';
import type { PoolClient } from 'pg';
import { TenantContext } from './context/tenant-context';
import { CircuitBreakers } from './pools/circuit-breakers';
import { PoolRegistry } from './pools/pool-registry';
import { TenantShares } from './pools/tenant-shares';
import { UsageMeter } from './usage/usage-meter';
import { ConnectionResolver, type ResolvedConnection } from './routing/connection-resolver';
import type { Route } from './routing/tier-strategy';
import { ScopedClient, type ScopeMode } from './wire/scoped-client';
import { isStalePreparedStatement, type TenantScope } from './wire/scoped-query';
import { StatementGeneration } from './wire/statement-cache';

/**
 * SQLSTATEs meaning "this tenant does not live here (any more)": the read fence of the context statement
 * (SYF02), the write fence of a move (SYF01), and a schema, table or database a finished move removed.
 */
const STALE_LOCATION = new Set([READ_FENCE_SQLSTATE, 'SYF01', '3D000', '3F000', '42P01']);
const NO_SHARE = (): void => undefined;
/** Re-reading the placement converges in one step unless the tenant moves again meanwhile. */
const MAX_ATTEMPTS = 4;

/** What a repository works with: a drizzle handle bound to the tenant's placement, and its id. */
export interface TenantTx {
  readonly db: NodePgDatabase;
  readonly tenantId: string;
  /**
   * A hot query rendered once and reused (`build` is the cache key: pass a module-level function that
   * ends in `.prepare(name)` and uses `sql.placeholder` for values). A non-empty name, unique per SQL
   * text, keeps the statement prepared on each server connection when PG_PREPARED_STATEMENTS allows.
   */
  prepared<Q>(build: (db: NodePgDatabase) => Q): Q;
}

/**
 * The tier-agnostic handle. All tenant work runs with the tenant context set transaction-locally (I4)
 * in the same round trip as the first statement:
 *
 * - `statement(fn)`: `fn` issues exactly one statement, which runs as its own implicit transaction
 *   together with the context — one round trip, the common case (reads, single writes).
 * - `transaction(fn)`: a real transaction; BEGIN and the context travel with the first statement,
 *   COMMIT (or ROLLBACK) follows `fn`.
 *
 * Without a tenant in context nothing runs (fail closed, I1).
 */
@Injectable()
export class TenantDb {
  // pg reuses PoolClient objects, so one ScopedClient (and drizzle instance) per connection suffices.
  private readonly scoped = new WeakMap<PoolClient, ScopedClient>();
  private readonly statementGeneration = new StatementGeneration();
  private readonly shares = new TenantShares();
  private readonly breakers: CircuitBreakers;

  constructor(
    private readonly context: TenantContext,
    private readonly resolver: ConnectionResolver,
    private readonly pools: PoolRegistry,
    private readonly usage: UsageMeter,
    private readonly config: SwitchyardConfig,
  ) {
    this.breakers = new CircuitBreakers(config.circuitBreaker);
  }

  /** One statement for the tenant of the current request. */
  statement<T>(fn: (tx: TenantTx) => Promise<T>): Promise<T> {
    return this.run(this.context.tenantId(), 'statement', fn);
  }

  /** A transaction for the tenant of the current request. */
  transaction<T>(fn: (tx: TenantTx) => Promise<T>): Promise<T> {
    return this.run(this.context.tenantId(), 'transaction', fn);
  }

  /** A transaction for an explicitly named tenant (jobs, scripts, tests). */
  transactionFor<T>(tenantId: string, fn: (tx: TenantTx) => Promise<T>): Promise<T> {
    return this.run(tenantId, 'transaction', fn);
  }

  /** One statement for an explicitly named tenant. */
  statementFor<T>(tenantId: string, fn: (tx: TenantTx) => Promise<T>): Promise<T> {
    return this.run(tenantId, 'statement', fn);
  }

  /**
   * Runs `fn` at the tenant's placement. If the placement turns out to be stale — the old location is
   * fenced by a move (for reads as for writes), or its schema or database is gone — nothing was read or
   * committed there (I5): the placement is read again and `fn` runs at the new location. Likewise a
   * prepared statement outdated by a migration is prepared again and `fn` rerun. A failure of the
   * platform (connection lost, timeout) comes out as a DomainError with a Retry-After hint.
   */
  private async run<T>(tenantId: string | undefined, mode: ScopeMode, fn: (tx: TenantTx) => Promise<T>): Promise<T> {
    if (!tenantId) throw new DomainError('NO_TENANT_CONTEXT', 'No tenant in context');
    for (let attempt = 1; ; attempt++) {
      try {
        // A cached placement resolves without a promise; only a miss waits for the control plane.
        const resolved = this.resolver.resolveCached(tenantId) ?? (await this.resolver.resolve(tenantId));
        return await this.runAt(resolved, tenantId, mode, fn);
      } catch (error) {
        if (attempt >= MAX_ATTEMPTS) throw asPlatformError(error);
        if (isStalePreparedStatement(error)) {
          // A migration changed a statement's result columns: every connection's copy of it is stale,
          // so every connection prepares afresh (one retry here, not one per connection and schema).
          this.statementGeneration.bump();
          continue;
        }
        if (!STALE_LOCATION.has(pgErrorOf(error)?.code ?? '')) throw asPlatformError(error);
        this.resolver.forget(tenantId);
      }
    }
  }

  private async runAt<T>(
    { route }: ResolvedConnection,
    tenantId: string,
    mode: ScopeMode,
    fn: (tx: TenantTx) => Promise<T>,
  ): Promise<T> {
    const circuit = `${route.server}/${route.database}`;
    const share = this.takeShare(route, circuit, tenantId);
    const releaseShare = typeof share === 'function' ? share : await share;
    const client = await this.checkout(route, circuit, tenantId, releaseShare);
    const started = performance.now();
    try {
      return await this.runOn(client, route.scope, tenantId, mode, fn);
    } finally {
      releaseShare();
      this.usage.database(tenantId, performance.now() - started, this.scoped.get(client)?.rowsTouched ?? 0);
    }
  }

  /**
   * In a shared pool, the tenant's share of its connections: a tenant holds at most its share at once,
   * and its excess requests wait in its own queue. Taken without a promise when one is free.
   */
  private takeShare(route: Route, circuit: string, tenantId: string): (() => void) | Promise<() => void> {
    if (route.poolKind !== 'shared') return NO_SHARE;
    const { pools } = this.config;
    const cap = Math.max(1, Math.floor(pools.sharedMax * pools.tenantShare));
    return (
      this.shares.tryAcquire(circuit, tenantId, cap) ??
      this.shares.acquire(circuit, tenantId, cap, pools.connectTimeoutMs)
    );
  }

  /**
   * A connection of the route's pool, if the database's circuit is closed: a database that cannot be
   * reached fails its own tenants at once. On failure the tenant's share is given back.
   */
  private async checkout(
    route: Route,
    circuit: string,
    tenantId: string,
    releaseShare: () => void,
  ): Promise<PoolClient> {
    try {
      this.breakers.check(circuit);
      const affinity = route.scope.schema === 'public' ? tenantId : route.scope.schema;
      const client = await this.pools.connect(route.server, route.database, route.poolKind, affinity);
      this.breakers.succeeded(circuit);
      return client;
    } catch (error) {
      releaseShare();
      const failure = asPlatformError(error);
      // Only the database's own failures count: not the circuit's refusal, not a busy pool or budget.
      if (failure !== error && isDomainError(failure, 'DATABASE_UNAVAILABLE')) this.breakers.failed(circuit);
      throw failure;
    }
  }

  private async runOn<T>(
    client: PoolClient,
    scope: TenantScope,
    tenantId: string,
    mode: ScopeMode,
    fn: (tx: TenantTx) => Promise<T>,
  ): Promise<T> {
    let scoped = this.scoped.get(client);
    if (!scoped) {
      scoped = new ScopedClient(client, this.config.pools.statementCacheSize, this.statementGeneration);
      this.scoped.set(client, scoped);
    }
    scoped.open(scope, mode);
    let broken: Error | undefined;
    try {
      const result = await fn(scoped.tx(tenantId));
      if (mode === 'transaction' && scoped.statementsSent > 0) await client.query('COMMIT');
      return result;
    } catch (error) {
      if (mode === 'transaction' && scoped.statementsSent > 0) {
        try {
          await client.query('ROLLBACK');
        } catch (rollbackError) {
          // The connection is unusable (e.g. terminated): destroy it rather than return it.
          broken = rollbackError instanceof Error ? rollbackError : new Error(String(rollbackError));
        }
      }
      throw error;
    } finally {
      scoped.close();
      // A backend keeps catalog caches for every schema it has served: past the limit, replace it, so
      // that thousands of schema tenants do not grow every backend without bound.
      client.release(broken ?? scoped.schemasServed > this.config.pools.maxSchemasPerConnection);
    }
  }
}
