import { Logger } from '@nestjs/common';
import type { ClientBase } from 'pg';

const logger = new Logger('Transaction');

export type IsolationLevel = 'read committed' | 'repeatable read' | 'serializable';

export interface TransactionOptions {
  isolation?: IsolationLevel;
  readOnly?: boolean;
}

const ISOLATION_SQL: Record<IsolationLevel, string> = {
  'read committed': ' ISOLATION LEVEL READ COMMITTED',
  'repeatable read': ' ISOLATION LEVEL REPEATABLE READ',
  serializable: ' ISOLATION LEVEL SERIALIZABLE',
};

/**
 * Runs `fn` in a transaction on `client`: BEGIN (with the isolation level and access mode asked for),
 * COMMIT when `fn` resolves, ROLLBACK when it throws — and then `fn`'s error is rethrown. A connection
 * whose ROLLBACK fails is in an unknown state: it is ended, so that no pool ever hands it out again
 * (pg-pool drops an ended client on release) and nothing runs on it as if it were clean.
 */
export async function inTransaction<T>(
  client: ClientBase,
  fn: () => Promise<T>,
  options: TransactionOptions = {},
): Promise<T> {
  const isolation = options.isolation ? ISOLATION_SQL[options.isolation] : '';
  await client.query(`BEGIN${isolation}${options.readOnly ? ' READ ONLY' : ''}`);
  let result: T;
  try {
    result = await fn();
  } catch (error) {
    await rollbackOrDestroy(client);
    throw error;
  }
  await client.query('COMMIT');
  return result;
}

/** Rolls back; a connection that cannot even do that is ended. */
export async function rollbackOrDestroy(client: ClientBase): Promise<void> {
  try {
    await client.query('ROLLBACK');
  } catch (error) {
    logger.warn(`ROLLBACK failed (${error instanceof Error ? error.message : error}); closing the connection`);
    await (client as ClientBase & { end(): Promise<void> }).end().catch(() => undefined);
  }
}

/**
 * Closes a connection's socket at once. For a connection left in the middle of a COPY TO that nothing
 * reads any more (its stream was destroyed): the server waits to send the rest, so neither a ROLLBACK
 * nor end() would ever be answered. The server ends the backend when it finds the socket closed.
 */
export function destroyConnection(client: ClientBase): void {
  (client as ClientBase & { connection: { stream: { destroy(): void } } }).connection.stream.destroy();
}
