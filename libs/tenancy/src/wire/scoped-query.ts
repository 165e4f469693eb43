import { Query, type QueryConfig, type QueryResult } from 'pg';

/** The transaction-local tenant context, bound as parameters (never pasted into SQL). */
export interface TenantScope {
  tenantId: string;
  /** A quoted identifier, e.g. `"t_0b5f…"` or `"public"`. */
  searchPath: string;
  /**
   * Keep the context statement prepared (named) on each server connection, so the server parses and
   * plans it once per connection instead of once per request. Needs a direct connection or a pooler
   * that supports protocol-level prepared statements (PgBouncer ≥ 1.21 with max_prepared_statements).
   */
  namedContext: boolean;
}

const CONTEXT_SQL = "SELECT set_config('switchyard.tenant_id', $1, true), set_config('search_path', $2, true)";
const CONTEXT_STATEMENT = 'switchyard_context';

/** The parts of pg's Connection and Query this class drives; they are not in @types/pg. */
interface WireConnection {
  parsedStatements: Record<string, string>;
  parse(message: { text: string; name?: string; types?: unknown[] }): void;
  bind(message: { portal?: string; statement?: string; values: unknown[]; valueMapper?: unknown }): void;
  execute(message: { portal?: string; rows?: number }): void;
}

interface QueryInternals {
  prepare(connection: WireConnection): void;
  handleDataRow(message: unknown): void;
  handleCommandComplete(message: unknown, connection: WireConnection): void;
}

const { prepareValue } = require('pg/lib/utils') as { prepareValue: unknown };
const base = Query.prototype as unknown as QueryInternals;

/**
 * A pg query that carries the tenant context in the same round trip. Before the statement's own
 * Parse/Bind/Describe/Execute it writes, with no Sync in between:
 *
 *   [BEGIN]                      — only when opening an explicit transaction
 *   SELECT set_config(…, true)×2 — tenant id and search_path, transaction-local (I4)
 *   <the statement>              — then a single Sync
 *
 * Everything up to a Sync is one transaction in PostgreSQL's extended protocol, so without BEGIN the
 * settings live exactly as long as the statement (its implicit transaction) and with BEGIN they live
 * until COMMIT/ROLLBACK. Either way they can never outlive the transaction, on this connection or
 * through PgBouncer in transaction mode (which keeps one transaction on one server connection). The
 * rows of the context statement are swallowed; the caller sees only its statement's result.
 */
export class ScopedQuery extends Query {
  private contextPending = true;

  constructor(
    config: QueryConfig,
    private readonly scope: TenantScope,
    private readonly begin: boolean,
    callback: (error: Error | undefined, result: QueryResult) => void,
  ) {
    super({ ...config, callback } as QueryConfig);
  }

  /** Always the extended protocol, even without parameters: the context needs it. */
  requiresPreparation(): boolean {
    return true;
  }

  prepare(connection: WireConnection): void {
    if (this.begin) {
      connection.parse({ text: 'BEGIN', name: '' });
      connection.bind({ values: [] });
      connection.execute({ rows: 0 });
    }
    const statement = this.scope.namedContext ? CONTEXT_STATEMENT : '';
    if (!statement || connection.parsedStatements[statement] === undefined) {
      connection.parse({ text: CONTEXT_SQL, name: statement });
      // Parse comes first in the batch: if anything later fails, the statement exists all the same.
      if (statement) connection.parsedStatements[statement] = CONTEXT_SQL;
    }
    connection.bind({ statement, values: [this.scope.tenantId, this.scope.searchPath], valueMapper: prepareValue });
    connection.execute({ rows: 0 });
    base.prepare.call(this, connection);
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
}
