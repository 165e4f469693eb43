import { Client, Query, type QueryConfig } from 'pg';

/**
 * The parts of node-postgres that `ScopedQuery` drives and that are not in its typed API: the
 * connection's record of named statements, the protocol writers, the Query hooks the client calls, and
 * the value serialiser. They are internals, so package.json pins pg to one exact version and
 * `assertPgInternals` checks them when the tenancy module starts (and in a unit test): a pg upgrade that
 * moved them fails loudly instead of sending wrong bytes.
 */
export interface WireConnection {
  parsedStatements: Record<string, string>;
  submittedNamedStatements: Record<string, string>;
  parse(message: { text: string; name?: string; types?: unknown[] }): void;
  bind(message: { portal?: string; statement?: string; values: unknown[]; valueMapper?: unknown }): void;
  execute(message: { portal?: string; rows?: number }): void;
  close(message: { type: 'S' | 'P'; name: string }): void;
}

export interface QueryInternals {
  name?: string;
  prepare(connection: WireConnection): void;
  hasBeenParsed(connection: WireConnection): boolean;
  handleDataRow(message: unknown): void;
  handleCommandComplete(message: unknown, connection: WireConnection): void;
  handleError(error: Error, connection: WireConnection): void;
}

interface QueryFields {
  name?: string;
  types?: unknown;
  rows?: number;
  binary?: boolean;
  queryMode?: string;
  portal: string;
  _rowMode?: string;
  _result: object;
  _results: unknown;
}

/**
 * Sets on a Query made from text and values (`new Query(text, values, callback)`) the rest of `config`,
 * as pg's constructor would have from the config object, under the statement name `name`. pg copies a config object descriptor by
 * descriptor on every query, a measurable share of a routed read; text and values skip that copy.
 */
export function adoptQueryConfig(query: Query, queryConfig: QueryConfig, name: string | undefined): void {
  const fields = query as unknown as QueryFields;
  // What pg's constructor reads beyond its typed QueryConfig (QueryArrayConfig's rowMode among them).
  const config = queryConfig as QueryConfig & { rows?: number; binary?: boolean; queryMode?: string; rowMode?: string };
  fields.name = name;
  fields.types = config.types;
  fields.rows = config.rows;
  fields.binary = config.binary;
  fields.queryMode = config.queryMode;
  fields._rowMode = config.rowMode;
  if (config.rowMode !== undefined || config.types !== undefined) {
    const Result = fields._result.constructor as new (rowMode?: string, types?: unknown) => object;
    fields._result = new Result(config.rowMode, config.types);
    fields._results = fields._result;
  }
}

// No types ship for pg/lib/utils; this is the serialiser pg itself binds values with.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const utils = require('pg/lib/utils') as { prepareValue?: unknown };

export const prepareValue = utils.prepareValue;
export const queryInternals = Query.prototype as unknown as QueryInternals;

const QUERY_HOOKS = ['prepare', 'hasBeenParsed', 'handleDataRow', 'handleCommandComplete', 'handleError'] as const;
const CONNECTION_WRITERS = ['parse', 'bind', 'execute', 'close'] as const;

/** Throws, naming what is missing, unless the installed pg has every internal ScopedQuery relies on. */
export function assertPgInternals(prototype: object = Query.prototype, connection?: object): void {
  const missing: string[] = [];
  if (typeof prepareValue !== 'function') missing.push('pg/lib/utils prepareValue');
  for (const hook of QUERY_HOOKS) {
    if (typeof (prototype as Record<string, unknown>)[hook] !== 'function') missing.push(`Query.prototype.${hook}`);
  }
  const wire = (connection ?? (new Client() as unknown as { connection: object }).connection) as Record<
    string,
    unknown
  >;
  for (const writer of CONNECTION_WRITERS) {
    if (typeof wire[writer] !== 'function') missing.push(`Connection.${writer}`);
  }
  const result = (new Query('SELECT 1') as unknown as Partial<QueryFields>)._result;
  if (typeof result?.constructor !== 'function' || !('_parseRowAsArray' in result)) missing.push('Query._result');
  for (const record of ['parsedStatements', 'submittedNamedStatements']) {
    if (typeof wire[record] !== 'object' || wire[record] === null) missing.push(`Connection.${record}`);
  }
  if (missing.length) {
    throw new Error(
      `The installed pg lacks internals Switchyard's tenant context relies on (${missing.join(', ')}); install the pg version package.json pins`,
    );
  }
}
