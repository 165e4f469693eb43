import { Client, Query } from 'pg';

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
  for (const record of ['parsedStatements', 'submittedNamedStatements']) {
    if (typeof wire[record] !== 'object' || wire[record] === null) missing.push(`Connection.${record}`);
  }
  if (missing.length) {
    throw new Error(
      `The installed pg lacks internals Switchyard's tenant context relies on (${missing.join(', ')}); install the pg version package.json pins`,
    );
  }
}
