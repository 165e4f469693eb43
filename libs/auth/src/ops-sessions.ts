import { timingSafeEqual } from 'node:crypto';
import { DomainError } from '@switchyard/errors';
import { parseCookie } from 'cookie';
import type { IncomingHttpHeaders } from 'node:http';

/** The console's session cookie (HttpOnly, SameSite=Strict; its value is a random token). */
export const CONSOLE_COOKIE = 'switchyard_console';

/** Where the ops guard finds console sessions (the control plane provides it; other apps do not). */
export const OPS_SESSIONS = Symbol('OPS_SESSIONS');

export interface OpsSession {
  operator: string;
  csrfToken: string;
  expiresAt: Date;
}

export interface OpsSessionLookup {
  find(token: string): Promise<OpsSession | undefined>;
}

export interface SessionRequest {
  method: string;
  headers: IncomingHttpHeaders;
}

/** The console session token a request's cookie carries, if any. */
export function consoleCookieOf(headers: IncomingHttpHeaders): string | undefined {
  return headers.cookie ? parseCookie(headers.cookie)[CONSOLE_COOKIE] : undefined;
}

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

/**
 * Refuses a state-changing call a browser made for another site. The SameSite=Strict cookie already
 * stays home on cross-site requests; this also catches another origin of the same site (another port)
 * and any browser that ignores SameSite: the browser's own Sec-Fetch-Site and Origin headers must say
 * same-origin, and the call must echo the session's CSRF token, which only the console's pages can read.
 */
export function refuseCrossSiteWrite(request: SessionRequest, csrfToken: string | undefined): void {
  if (SAFE_METHODS.has(request.method)) return;
  const site = request.headers['sec-fetch-site'];
  const origin = request.headers.origin;
  if (
    (site !== undefined && site !== 'same-origin') ||
    (origin !== undefined && !sameHost(origin, request.headers.host))
  )
    throw new DomainError('FORBIDDEN', 'Cross-site request refused');
  if (csrfToken === undefined) return;
  const echoed = request.headers['x-csrf-token'];
  if (typeof echoed !== 'string' || !sameSecret(echoed, csrfToken))
    throw new DomainError('FORBIDDEN', 'This call needs the X-CSRF-Token of your console session');
}

/**
 * The Origin's host against the Host the request was sent to. The scheme is left out on purpose: behind
 * a proxy that ends TLS the app sees http while the browser's Origin says https.
 */
function sameHost(origin: string, host: string | undefined): boolean {
  try {
    return host !== undefined && new URL(origin).host === host;
  } catch {
    return false;
  }
}

function sameSecret(a: string, b: string): boolean {
  const left = Buffer.from(a);
  const right = Buffer.from(b);
  return left.length === right.length && timingSafeEqual(left, right);
}
