import { randomBytes } from 'node:crypto';
import type { Request, Response } from 'express';

export const REQUEST_ID_HEADER = 'X-Request-Id';

/** What a caller's own request id may look like: kept as given, so its logs and ours line up. */
const CALLER_ID = /^[A-Za-z0-9._:-]{1,128}$/;

/** The request id of a request this app has seen (set first thing by `assignRequestId`). */
export function requestIdOf(request: Request): string | undefined {
  return (request as Request & { requestId?: string }).requestId;
}

/**
 * Made ids: 16 random hex digits per process, then a 16-digit counter. Unique across processes without
 * a random draw per request; a request id names a request, it is not a secret.
 */
const PROCESS_PREFIX = randomBytes(8).toString('hex');
let sequence = 0;

function newRequestId(): string {
  sequence += 1;
  return PROCESS_PREFIX + sequence.toString(16).padStart(16, '0');
}

/**
 * Every request gets an id — the caller's `X-Request-Id` when it is a sane token, a new one otherwise
 * (32 hex digits) — echoed in the response header, in problem+json bodies and in the request's log line.
 */
export function assignRequestId(req: Request, res: Response): void {
  const given = req.headers['x-request-id'];
  // 32 hex digits (a W3C trace id's shape): never mistaken for a resource's UUID in a log or a body.
  const id = typeof given === 'string' && CALLER_ID.test(given) ? given : newRequestId();
  (req as Request & { requestId?: string }).requestId = id;
  res.setHeader(REQUEST_ID_HEADER, id);
}
