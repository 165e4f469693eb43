import { DomainError, type ErrorCode } from '@switchyard/errors';

export type PlatformFailureCode = Extract<ErrorCode, 'DATABASE_UNAVAILABLE' | 'STATEMENT_TIMEOUT' | 'DATABASE_BUSY'>;

/** SQLSTATEs (or their classes) that say the platform failed, not the request. */
const BY_SQLSTATE: [RegExp, PlatformFailureCode, string][] = [
  // 08: connection exception; 57P01–57P05: shut down, crashed, starting up, dropped, idle timeout.
  [/^08|^57P0[1-5]$/, 'DATABASE_UNAVAILABLE', 'The database is unavailable'],
  // 53: insufficient resources — too many connections, out of memory, disk full.
  [/^53/, 'DATABASE_UNAVAILABLE', 'The database is out of resources'],
  [/^57014$/, 'STATEMENT_TIMEOUT', 'The statement took too long and was cancelled'],
  // lock_not_available (lock_timeout), deadlock, serialization failure: transient contention.
  [/^55P03$|^40P01$|^40001$/, 'DATABASE_BUSY', 'The database is busy'],
];

/** Node socket errors and node-postgres' own messages for a connection that failed or died. */
const NETWORK_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'EPIPE',
  'ETIMEDOUT',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'ENOTFOUND',
  'EAI_AGAIN',
  'ECONNABORTED',
]);
const CLIENT_MESSAGES =
  /Connection terminated|not queryable|Cannot use a pool after calling end|Client was closed|Connection timed out|timeout expired/;
/** pg-pool's message for a request that found no free connection in time: the pool is busy, not down. */
const POOL_EXHAUSTED = /timeout exceeded when trying to connect/;

/** The errors behind `error`: its cause chain and the members of an AggregateError. */
function* causes(error: unknown, depth = 0): Generator<Error> {
  if (!(error instanceof Error) || depth > 6) return;
  yield error;
  if (error instanceof AggregateError) for (const inner of error.errors) yield* causes(inner, depth + 1);
  yield* causes(error.cause, depth + 1);
}

function domainErrorIn(error: unknown): DomainError | undefined {
  for (const e of causes(error)) if (e instanceof DomainError) return e;
  return undefined;
}

/**
 * Classifies a failure of the platform — connection refused or lost, server starting or shutting down,
 * too many connections, a statement or lock timeout — as opposed to a bad request or a bug. Such a
 * failure is answered 503 with Retry-After, never 500. Returns undefined for anything else.
 */
export function platformFailureOf(error: unknown): { code: PlatformFailureCode; message: string } | undefined {
  if (domainErrorIn(error)) return undefined;
  for (const e of causes(error)) {
    const code = (e as { code?: unknown }).code;
    if (typeof code === 'string' && /^[0-9A-Z]{5}$/.test(code)) {
      const match = BY_SQLSTATE.find(([pattern]) => pattern.test(code));
      if (match) return { code: match[1], message: match[2] };
      return undefined;
    }
    if (typeof code === 'string' && NETWORK_CODES.has(code))
      return { code: 'DATABASE_UNAVAILABLE', message: 'The database is unreachable' };
    if (POOL_EXHAUSTED.test(e.message))
      return { code: 'DATABASE_BUSY', message: 'No connection to the database was free in time' };
    if (CLIENT_MESSAGES.test(e.message))
      return { code: 'DATABASE_UNAVAILABLE', message: 'The connection to the database was lost' };
  }
  return undefined;
}

/** `error` as a DomainError with Retry-After when it is a platform failure; otherwise `error` itself. */
export function asPlatformError(error: unknown, retryAfterSeconds = 1): unknown {
  // A DomainError wrapped by a driver (pg-pool wraps what a client's connect failed with) is the answer.
  const domain = domainErrorIn(error);
  if (domain) return domain;
  const failure = platformFailureOf(error);
  if (!failure) return error;
  return new DomainError(failure.code, failure.message, { retryAfterSeconds }, { cause: error });
}
