import { z } from 'zod';

const port = z.coerce.number().int().min(1).max(65535);
const positiveInt = z.coerce.number().int().positive();
const postgresUrl = z
  .string()
  .url()
  .refine((v) => /^postgres(ql)?:\/\//.test(v), 'must be a postgres:// or postgresql:// URL');
const identifier = z.string().regex(/^[a-z_][a-z0-9_]{0,40}$/, 'must be a lower-case SQL identifier');
const optionalString = z
  .string()
  .optional()
  .transform((v) => (v === undefined || v.trim() === '' ? undefined : v));

/** Every environment variable Switchyard reads, validated once at start-up. */

const LIMIT_KEYS = ['rows', 'requestsPerHour', 'dbMsPerHour'] as const;
export type TierLimits = Record<(typeof LIMIT_KEYS)[number], number>;

/** `rows=50000,requestsPerHour=36000,dbMsPerHour=60000`; a key left out keeps its default. */
function tierLimits(defaults: TierLimits) {
  return z
    .string()
    .optional()
    .transform((text, ctx) => {
      const limits = { ...defaults };
      for (const part of (text ?? '').split(',').filter((p) => p.trim())) {
        const [key, value] = part.split('=').map((p) => p.trim());
        const n = Number(value);
        if (!LIMIT_KEYS.includes(key as (typeof LIMIT_KEYS)[number]) || !Number.isSafeInteger(n) || n <= 0) {
          ctx.addIssue({
            code: 'custom',
            message: `expected ${LIMIT_KEYS.join('|')}=<positive integer>, got "${part}"`,
          });
          return z.NEVER;
        }
        limits[key as (typeof LIMIT_KEYS)[number]] = n;
      }
      return limits;
    });
}

export const environmentSchema = z.object({
  DATABASE_URL: optionalString.pipe(postgresUrl.optional()),
  REDIS_URL: optionalString.pipe(z.string().url().optional()),
  /** More PostgreSQL servers tenant databases may be placed on: `name=postgres://…` pairs, comma-separated. */
  EXTRA_SERVERS: optionalString.pipe(
    z
      .string()
      .optional()
      .transform((v, ctx) => {
        if (!v) return [];
        return v.split(',').map((pair) => {
          const [name, ...rest] = pair.trim().split('=');
          const url = rest.join('=');
          if (!/^[a-z][a-z0-9_-]{0,62}$/.test(name ?? '') || name === 'primary' || !/^postgres(ql)?:\/\//.test(url)) {
            ctx.addIssue({
              code: 'custom',
              message: `"${pair.trim().split('=')[0]}=…" must be name=postgres://… (name in [a-z0-9_-], not "primary")`,
            });
          }
          return { name: name ?? '', url };
        });
      }),
  ),
  JWT_SECRET: optionalString.pipe(z.string().min(32, 'must be at least 32 characters').optional()),
  JWT_PUBLIC_KEY: optionalString,
  JWT_PRIVATE_KEY: optionalString,
  JWT_ISSUER: optionalString,
  JWT_AUDIENCE: optionalString,
  API_PORT: port.default(3000),
  CONTROL_PLANE_PORT: port.default(3001),
  SWITCHYARD_DB_PREFIX: identifier.default('switchyard'),
  APP_DB_USER: identifier.default('switchyard_app'),
  APP_DB_PASSWORD: optionalString,
  /** Where the application role connects (e.g. PgBouncer); default: the server of DATABASE_URL. */
  APP_DB_HOST: optionalString,
  APP_DB_PORT: z.coerce.number().int().min(1).max(65535).optional(),
  SHARED_POOL_MAX: positiveInt.default(20),
  DATABASE_POOL_MAX: positiveInt.default(5),
  /** Partitions of each shared cell's pool (schema affinity, for thousands of schema tenants); 1: none. */
  SHARED_POOL_PARTITIONS: positiveInt.default(1),
  STATEMENT_TIMEOUT_MS: positiveInt.default(15_000),
  /** Per-tier statement timeouts for tenant work (default: STATEMENT_TIMEOUT_MS). */
  STATEMENT_TIMEOUT_SHARED_MS: positiveInt.optional(),
  STATEMENT_TIMEOUT_SCHEMA_MS: positiveInt.optional(),
  STATEMENT_TIMEOUT_DATABASE_MS: positiveInt.optional(),
  /** Parallel workers one statement may use, per tier; unset: the server's max_parallel_workers_per_gather. */
  PARALLEL_WORKERS_SHARED: z.coerce.number().int().min(0).max(64).default(0),
  PARALLEL_WORKERS_SCHEMA: z.coerce.number().int().min(0).max(64).default(0),
  PARALLEL_WORKERS_DATABASE: z.coerce.number().int().min(0).max(64).optional(),
  /** Most connections one tenant may hold of a shared cell's pool, as a share of SHARED_POOL_MAX. */
  TENANT_POOL_SHARE: z.coerce.number().gt(0).max(1).default(0.1),
  /** Connections this process may open to one server; default: derived from its max_connections. */
  CONNECTION_BUDGET: positiveInt.optional(),
  /** Connections of each server left to others (owners, migrations, psql) when deriving the budget. */
  CONNECTION_RESERVE: z.coerce.number().int().min(0).default(10),
  /** How many application processes share each server when deriving the budget. */
  APP_INSTANCES: positiveInt.default(1),
  /** A connection is replaced once it has served this many distinct schemas (bounds backend memory). */
  POOL_MAX_SCHEMAS_PER_CONNECTION: positiveInt.default(1_000),
  /** Connections are closed and replaced after this many seconds (0: never). */
  POOL_MAX_LIFETIME_S: z.coerce.number().int().min(0).default(1_800),
  /** Consecutive failures to reach a database that open its circuit (its requests fail fast). */
  CIRCUIT_BREAKER_FAILURES: positiveInt.default(3),
  /** How long an open circuit refuses before one request probes the database again. */
  CIRCUIT_BREAKER_OPEN_MS: positiveInt.default(5_000),
  /** Named prepared statements on app connections; set false behind a pooler without support for them. */
  PG_PREPARED_STATEMENTS: z
    .enum(['true', 'false'])
    .default('true')
    .transform((v) => v === 'true'),
  /** How many named statements each application connection keeps prepared (least recently used out). */
  PG_STATEMENT_CACHE_SIZE: positiveInt.max(10_000).default(100),
  POOL_IDLE_TIMEOUT_MS: positiveInt.default(30_000),
  /** How long a request waits for a pooled connection (or a new one) before 503 + Retry-After. */
  PG_CONNECT_TIMEOUT_MS: positiveInt.default(5_000),
  PLACEMENT_CACHE_TTL_MS: positiveInt.default(30_000),
  PLACEMENT_CACHE_MAX: positiveInt.default(100_000),
  /** How long a request waits for a tenant frozen by a move's cutover before 503 + Retry-After. */
  TENANT_FREEZE_WAIT_MS: positiveInt.default(2_000),
  /** Folder holding control-plane/ and tenant/ migrations (default: the project's migrations/). */
  MIGRATIONS_DIR: optionalString,
  MIGRATION_LOCK_TIMEOUT_MS: positiveInt.default(5_000),
  MIGRATION_LOCK_RETRIES: z.coerce.number().int().min(0).max(20).default(3),
  MIGRATION_STATEMENT_TIMEOUT_MS: positiveInt.default(300_000),
  MIGRATION_CONCURRENCY: positiveInt.max(64).default(8),
  MIGRATION_SERVER_CONCURRENCY: positiveInt.max(64).default(4),
  /** Keep a moved tenant's old data this long before removing it (0: at once). */
  MOVE_RETENTION_MS: z.coerce.number().int().min(0).default(0),
  /** A move whose worker has not beaten for this long is taken over by another worker. */
  MOVE_STALE_MS: positiveInt.default(15_000),
  /** How long a move's trigger DDL waits for a table lock before it gives up and retries (writers queue behind it meanwhile). */
  MOVE_LOCK_TIMEOUT_MS: positiveInt.default(1_000),
  MOVE_LOCK_RETRIES: z.coerce.number().int().min(0).max(100).default(10),
  /** Moves this process's worker runs at once (a drain queues many; the rest wait their turn). */
  MOVE_CONCURRENCY: positiveInt.max(64).default(2),
  /** Run moves in this process's background worker (control-plane API). */
  MOVE_WORKER: z
    .enum(['true', 'false'])
    .default('true')
    .transform((v) => v === 'true'),
  /** Chaos/testing knob: pause this long on entering each move phase (0 in production). */
  MOVE_PHASE_DELAY_MS: z.coerce.number().int().min(0).max(60_000).default(0),
  /** Upgrade candidates: a shared-tier tenant above any of these limits is advised to move to schema. */
  ADVISOR_SHARED_LIMITS: tierLimits({ rows: 50_000, requestsPerHour: 36_000, dbMsPerHour: 60_000 }),
  /** Upgrade candidates: a schema-tier tenant above any of these limits is advised to move to database. */
  ADVISOR_SCHEMA_LIMITS: tierLimits({ rows: 1_000_000, requestsPerHour: 360_000, dbMsPerHour: 600_000 }),
  /** statement_timeout of an audited break-glass read (`switchyard tenants query`, POST /v1/tenants/{ref}/query). */
  BREAK_GLASS_TIMEOUT_MS: positiveInt.max(600_000).default(5_000),
  /** How often each process adds the per-tenant usage it counted to the control plane. */
  USAGE_FLUSH_MS: positiveInt.default(10_000),
  /** How long an Idempotency-Key and the response it got are kept for replay. */
  IDEMPOTENCY_RETENTION_H: positiveInt.max(24 * 30).default(24),
  /** Folder the control plane writes an offboarded tenant's archive to (API `export: true`); unset: no export over the API. */
  OFFBOARDING_EXPORT_DIR: optionalString,
  /** The largest tenant archive POST /v1/tenants/import accepts, in bytes (it is spooled to disk first). */
  ARCHIVE_MAX_BYTES: positiveInt.default(10 * 1024 ** 3),
  /** On SIGTERM/SIGINT: how long in-flight requests (and a running move's hand-back) may take. */
  SHUTDOWN_GRACE_MS: positiveInt.default(10_000),
  HTTP_BODY_LIMIT: z
    .string()
    .regex(/^\d+(b|kb|mb)$/, 'must look like 64kb')
    .default('64kb'),
  EMBEDDED_DATA_DIR: z.string().default('.switchyard'),
  EMBEDDED_PG_PORT: port.default(54329),
  LOG_LEVEL: z.enum(['error', 'warn', 'log', 'debug', 'verbose']).optional(),
  /** json: one JSON line per event and per request; pretty: Nest's readable lines. Default: pretty when embedded. */
  LOG_FORMAT: z.enum(['json', 'pretty']).optional(),
});

export type Environment = z.infer<typeof environmentSchema>;
