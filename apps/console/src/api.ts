import type {
  AuditPage,
  Candidates,
  ConsoleSession,
  DoctorReport,
  MigrationRun,
  MigrationStatus,
  Move,
  MoveEstimate,
  MoveState,
  Offboarding,
  Overview,
  Problem,
  RunOptions,
  ServerOverview,
  SortOrder,
  TargetState,
  Tenant,
  TenantPage,
  TenantSortKey,
  TenantStatus,
  TenantUsage,
  Tier,
  UsageWindow,
} from './api-types';

/**
 * The console's only way to the control plane: same-origin fetches of /v1/..., authenticated by the
 * session cookie the server set (HttpOnly: this code never sees it). The session's CSRF token lives in
 * this module's memory only and is echoed on every state-changing call.
 */

/** An error answer of the API (RFC 9457 problem details), or the API not being reachable (status 0). */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly problem: Problem,
  ) {
    super(problem.detail ?? problem.title ?? `The control plane answered ${status}`);
    this.name = 'ApiError';
  }

  /** 503: the platform (not the request) failed; the same call may work a moment later. */
  get temporarilyUnavailable(): boolean {
    return this.status === 503 || this.status === 0;
  }
}

let csrfToken: string | undefined;
let sessionLost: (() => void) | undefined;

/** Remembers (in memory only) the CSRF token of the signed-in session; undefined when signed out. */
export function setCsrfToken(token: string | undefined): void {
  csrfToken = token;
}

/** Called whenever the API answers 401: the session ended or never was. */
export function onSessionLost(listener: () => void): () => void {
  sessionLost = listener;
  return () => {
    if (sessionLost === listener) sessionLost = undefined;
  };
}

/** A fresh Idempotency-Key; `crypto.randomUUID` exists only in secure contexts (https, localhost). */
export function newIdempotencyKey(): string {
  if (typeof crypto.randomUUID === 'function') return crypto.randomUUID();
  const bytes = crypto.getRandomValues(new Uint8Array(16));
  bytes[6] = (bytes[6]! & 0x0f) | 0x40;
  bytes[8] = (bytes[8]! & 0x3f) | 0x80;
  const hex = [...bytes].map((b) => b.toString(16).padStart(2, '0')).join('');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

type Method = 'GET' | 'POST' | 'PATCH' | 'DELETE';

interface RequestOptions {
  body?: unknown;
  signal?: AbortSignal;
  /** A 401 here is an answer to show (the sign-in itself), not a lost session. */
  expectUnauthenticated?: boolean;
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}

function problemOf(body: unknown, response: Response): Problem {
  if (body && typeof body === 'object') return body as Problem;
  return { status: response.status, title: response.statusText || `HTTP ${response.status}` };
}

async function request<T>(method: Method, path: string, options: RequestOptions = {}): Promise<T> {
  const headers: Record<string, string> = { Accept: 'application/json, application/problem+json' };
  if (options.body !== undefined) headers['Content-Type'] = 'application/json';
  if (method !== 'GET' && csrfToken !== undefined) headers['X-CSRF-Token'] = csrfToken;
  if (method === 'POST') headers['Idempotency-Key'] = newIdempotencyKey();
  let response: Response;
  try {
    response = await fetch(path, {
      method,
      headers,
      body: options.body === undefined ? undefined : JSON.stringify(options.body),
      credentials: 'same-origin',
      cache: 'no-store',
      signal: options.signal,
    });
  } catch (error) {
    if (options.signal?.aborted) throw error;
    throw new ApiError(0, {
      title: 'The control plane cannot be reached',
      detail: 'The control plane cannot be reached: check that it is running, then retry.',
    });
  }
  const text = response.status === 204 ? '' : await response.text();
  const body = text ? parseJson(text) : undefined;
  if (!response.ok) {
    if (response.status === 401 && !options.expectUnauthenticated) sessionLost?.();
    throw new ApiError(response.status, problemOf(body, response));
  }
  return body as T;
}

/** A query string of the defined, non-empty values. */
export function query(params: Record<string, string | number | boolean | undefined | null>): string {
  const search = new URLSearchParams();
  for (const [key, value] of Object.entries(params))
    if (value !== undefined && value !== null && value !== '') search.set(key, String(value));
  const text = search.toString();
  return text ? `?${text}` : '';
}

/** A GET the API answers with a `T`; `useResource` loads it by its path. */
export interface Resource<T> {
  readonly path: string;
  /** Only carries the type. */
  readonly shape?: T;
}

const resource = <T>(path: string): Resource<T> => ({ path });
const ref = (value: string) => encodeURIComponent(value);

export function get<T>(target: Resource<T>, signal?: AbortSignal): Promise<T> {
  return request<T>('GET', target.path, { signal });
}

export interface TenantQuery {
  q?: string;
  tier?: Tier;
  status?: TenantStatus;
  server?: string;
  sort?: TenantSortKey;
  order?: SortOrder;
  limit?: number;
  offset?: number;
}

export interface AuditQuery {
  actor?: string;
  action?: string;
  target?: string;
  /** ISO 8601: entries at or after. */
  since?: string;
  limit?: number;
  cursor?: string;
}

/** Every GET the console makes. */
export const resources = {
  overview: () => resource<Overview>('/v1/overview'),
  tenants: (q: TenantQuery) => resource<TenantPage>(`/v1/tenants${query({ ...q })}`),
  tenant: (slug: string) => resource<Tenant>(`/v1/tenants/${ref(slug)}`),
  usage: (slug: string, window: UsageWindow) =>
    resource<TenantUsage>(`/v1/tenants/${ref(slug)}/usage${query({ window })}`),
  moveEstimate: (slug: string, tier: Tier, server: string | undefined) =>
    resource<MoveEstimate>(`/v1/tenants/${ref(slug)}/moves/estimate${query({ tier, server })}`),
  moves: (q: { tenant?: string; state?: MoveState; limit?: number }) =>
    resource<{ items: Move[] }>(`/v1/moves${query(q)}`),
  move: (id: string) => resource<Move>(`/v1/moves/${ref(id)}`),
  servers: () => resource<{ items: ServerOverview[] }>('/v1/servers'),
  migrations: (q: { tier?: Tier; status?: TargetState }) => resource<MigrationStatus>(`/v1/migrations${query(q)}`),
  runs: () => resource<{ items: MigrationRun[] }>('/v1/migrations/runs'),
  run: (id: string) => resource<MigrationRun>(`/v1/migrations/runs/${ref(id)}`),
  candidates: (limit = 50) => resource<Candidates>(`/v1/advisor/candidates${query({ limit })}`),
  doctor: () => resource<DoctorReport>('/v1/doctor'),
  audit: (q: AuditQuery) => resource<AuditPage>(`/v1/audit${query({ ...q })}`),
  offboardings: (tenant: string) =>
    resource<{ items: Offboarding[] }>(`/v1/offboardings${query({ tenant, limit: 5 })}`),
};

/** Files the browser downloads itself (a link: the session cookie goes along, same origin). */
export const downloads = {
  /** The tenant's archive, one consistent snapshot; audited as tenant.export under the operator. */
  tenantArchive: (slug: string) => `/v1/tenants/${ref(slug)}/export`,
};

/** Server-Sent Events streams (EventSource sends the session cookie: same origin). */
export const streams = {
  move: (id: string) => `/v1/moves/${ref(id)}/events`,
  run: (id: string) => `/v1/migrations/runs/${ref(id)}/events`,
};

export const session = {
  current: () => request<ConsoleSession>('GET', '/v1/console/session', { expectUnauthenticated: true }),
  signIn: (credential: { code: string } | { token: string }) =>
    request<ConsoleSession>('POST', '/v1/console/session', { body: credential, expectUnauthenticated: true }),
  signOut: () => request<void>('DELETE', '/v1/console/session', { expectUnauthenticated: true }),
};

export const actions = {
  setTenantStatus: (slug: string, status: 'suspended' | 'active') =>
    request<Tenant>('PATCH', `/v1/tenants/${ref(slug)}`, { body: { status } }),
  startMove: (slug: string, target: { tier: Tier; server?: string }) =>
    request<Move>('POST', `/v1/tenants/${ref(slug)}/moves`, { body: target }),
  cancelMove: (id: string) => request<Move>('POST', `/v1/moves/${ref(id)}/cancel`),
  startRun: (options: RunOptions) => request<MigrationRun>('POST', '/v1/migrations/runs', { body: options }),
  cancelOffboarding: (id: string) => request<Offboarding>('POST', `/v1/offboardings/${ref(id)}/cancel`),
};
