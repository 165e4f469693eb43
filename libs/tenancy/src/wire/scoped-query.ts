import { pgErrorOf, TENANT_CONTEXT_SQL } from '@switchyard/postgres';
import { Query, type QueryConfig, type QueryResult } from 'pg';
import {
  adoptQueryConfig,
  prepareValue,
  queryInternals,
  type QueryInternals,
  type WireConnection,
} from './pg-internals';

/** The transaction-local tenant context, bound as parameters (never pasted into SQL). */
export interface TenantScope {
  tenantId: string;
  /** The schema the tenant's tables are in at this location (`t_0b5f…` or `public`). */
  schema: string;
  /** The same schema as a quoted identifier, e.g. `"t_0b5f…"` or `"public"`: the search_path. */
  searchPath: string;
  /** The tier's statement timeout in ms, as text: set transaction-locally with the context. */
  statementTimeout: string;
  /** The tier's max_parallel_workers_per_gather, as text, or null for the server's own setting. */
  parallelWorkers: string | null;
  /**
   * Keep the context statement and the repositories' named hot statements prepared on each server
   * connection, so the server parses and plans them once per connection instead of once per request.
   * Needs a direct connection or a pooler that supports protocol-level prepared statements
   * (PgBouncer ≥ 1.21 with max_prepared_statements); otherwise every statement goes unnamed.
   */
  preparedStatements: boolean;
}

/** What opens a checkout's first statement: the tenant context, and BEGIN for a real transaction. */
export interface Prologue {
  scope: TenantScope;
  begin: boolean;
}

export interface ScopedQueryOptions {
  /** The statement's name on this connection (unset: unnamed), in place of the config's own. */
  name?: string;
  /** In place of the config's values. */
  values?: unknown[];
  /** Set on the first statement of a checkout. */
  prologue?: Prologue;
  /** Named statements to close on the server first (evicted from the connection's StatementCache). */
  close?: readonly string[];
}

const CONTEXT_STATEMENT = 'switchyard.context';

const base = queryInternals;

/**
 * PostgreSQL refuses to run a prepared statement whose result columns a migration changed; the
 * statement must be prepared again. Nothing ran, so the work can simply be retried.
 */
export function isStalePreparedStatement(error: unknown): boolean {
  const e = pgErrorOf(error);
  return e?.code === '0A000' && /cached plan must not change result type/.test(e.message);
}

/**
 * A pg query that can carry the tenant context in the same round trip. Before the statement's own
 * Parse/Bind/Describe/Execute it writes, with no Sync in between:
 *
 *   [BEGIN]                      — only when opening an explicit transaction
 *   SELECT set_config(…, true)×3 — tenant id, search_path and the tier's statement timeout,
 *                                  transaction-local (I4), unless this
 *                                  location is fenced for the tenant (read fence: SQLSTATE SYF02)
 *   <the statement>              — then a single Sync
 *
 * Everything up to a Sync is one transaction in PostgreSQL's extended protocol, so without BEGIN the
 * settings live exactly as long as the statement (its implicit transaction) and with BEGIN they live
 * until COMMIT/ROLLBACK. Either way they can never outlive the transaction, on this connection or
 * through PgBouncer in transaction mode (which keeps one transaction on one server connection). The
 * rows of the context statement are swallowed; the caller sees only its statement's result.
 *
 * Named statements are kept consistent with the server even when a batch fails: pg records a name as
 * parsed on the first ParseComplete of the batch, which may be the context's, so after an error in a
 * batch that parsed the statement the record is dropped, and the next Parse is preceded by a Close
 * (closing a statement that does not exist is not an error), so it never meets "already exists".
 */
export class ScopedQuery extends Query {
  private contextPending: boolean;
  private parsedHere = false;

  private readonly prologue?: Prologue;
  private readonly closing: readonly string[];

  constructor(
    config: QueryConfig,
    options: ScopedQueryOptions,
    callback: (error: Error | undefined, result: QueryResult) => void,
  ) {
    super(config.text, options.values ?? config.values, callback);
    adoptQueryConfig(this, config, options.name);
    this.prologue = options.prologue;
    this.closing = options.close ?? [];
    this.contextPending = options.prologue !== undefined;
  }

  /** Always the extended protocol, even without parameters: the context needs it. */
  requiresPreparation(): boolean {
    return true;
  }

  prepare(connection: WireConnection): void {
    for (const name of this.closing) {
      connection.close({ type: 'S', name });
      delete connection.parsedStatements[name];
    }
    if (this.prologue) this.writePrologue(connection, this.prologue);
    const name = (this as unknown as QueryInternals).name;
    if (name && !base.hasBeenParsed.call(this, connection)) {
      connection.close({ type: 'S', name });
      this.parsedHere = true;
    }
    base.prepare.call(this, connection);
  }

  private writePrologue(connection: WireConnection, { scope, begin }: Prologue): void {
    if (begin) {
      connection.parse({ text: 'BEGIN', name: '' });
      connection.bind({ values: [] });
      connection.execute({ rows: 0 });
    }
    const statement = scope.preparedStatements ? CONTEXT_STATEMENT : '';
    if (!statement || connection.parsedStatements[statement] === undefined) {
      if (statement) connection.close({ type: 'S', name: statement });
      connection.parse({ text: TENANT_CONTEXT_SQL, name: statement });
      if (statement) connection.parsedStatements[statement] = TENANT_CONTEXT_SQL;
    }
    connection.bind({
      statement,
      values: [scope.tenantId, scope.searchPath, scope.schema, scope.statementTimeout, scope.parallelWorkers],
      valueMapper: prepareValue,
    });
    connection.execute({ rows: 0 });
  }

  /** The context statement returns one row (and BEGIN none) with no RowDescription: skip it. */
  handleDataRow(message: unknown): void {
    if (!this.contextPending) base.handleDataRow.call(this, message);
  }

  handleCommandComplete(message: unknown, connection: WireConnection): void {
    if (this.contextPending) {
      // BEGIN's CommandComplete comes first when present; the context's is the one with a row.
      if ((message as { text?: string }).text === 'BEGIN') return;
      this.contextPending = false;
      return;
    }
    base.handleCommandComplete.call(this, message, connection);
  }

  handleError(error: Error, connection: WireConnection): void {
    const name = (this as unknown as QueryInternals).name;
    if (name && (this.parsedHere || isStalePreparedStatement(error))) {
      // Unknown whether the server kept the statement: parse it afresh (after a Close) next time.
      delete connection.parsedStatements[name];
      delete connection.submittedNamedStatements[name];
    }
    if (this.prologue && this.contextPending && this.prologue.scope.preparedStatements) {
      // The batch failed before the context ran: it may not have been parsed either.
      delete connection.parsedStatements[CONTEXT_STATEMENT];
    }
    base.handleError.call(this, error, connection);
  }
}
