import type { TierLimits } from './config.schema';
export type JwtAlgorithm = 'HS256' | 'RS256';

/** Token settings. Which keys are set depends on the algorithm, so they are optional here. */
export interface JwtSettings {
  algorithm: JwtAlgorithm;
  /** HS256 shared secret (verifies and signs). */
  secret?: string;
  /** RS256 public key (verifies). */
  publicKey?: string;
  /** RS256 private key, only needed by `switchyard token` to mint development tokens. */
  privateKey?: string;
  issuer?: string;
  audience?: string;
}

export type LogLevel = 'error' | 'warn' | 'log' | 'debug' | 'verbose';

/**
 * Every value of a configuration. Every field is required: a value that may be absent is typed
 * `T | undefined` rather than optional, so code that builds a configuration and forgets a field does not
 * compile. `buildConfig` is the only code that builds one.
 */
export interface SwitchyardConfigValues {
  /** True when DATABASE_URL was unset and an embedded PostgreSQL serves this process. */
  readonly embedded: boolean;
  /** EMBEDDED_DATA_DIR, absolute. */
  readonly embeddedDataDir: string;
  /** EMBEDDED_PG_PORT. */
  readonly embeddedPort: number;
  /** Owner connection to the primary server (database part is ignored; Switchyard picks its own). */
  readonly databaseUrl: string;
  /** REDIS_URL: a second channel for placement invalidations. */
  readonly redisUrl: string | undefined;
  /** Servers beyond the primary (EXTRA_SERVERS): owner URLs by name. */
  readonly extraServers: { name: string; url: string }[];
  readonly jwt: JwtSettings;
  readonly ports: { readonly api: number; readonly controlPlane: number };
  /** Names of the databases and the application role this installation owns on each server. */
  readonly names: {
    /** SWITCHYARD_DB_PREFIX: every database of the installation is named after it. */
    readonly prefix: string;
    readonly controlDatabase: string;
    readonly sharedDatabase: string;
    readonly templateDatabase: string;
    readonly appRole: string;
    /** `<prefix>_breakglass`: NOLOGIN, SELECT on tenant tables only; break-glass reads SET LOCAL ROLE to it. */
    readonly breakGlassRole: string;
  };
  /** APP_DB_PASSWORD (or the embedded server's generated one); undefined: the role has no password. */
  readonly appRolePassword: string | undefined;
  /** Host/port the application role connects to (a pooler such as PgBouncer); undefined: the server itself. */
  readonly appEndpoint: { readonly host: string; readonly port: number } | undefined;
  readonly pools: {
    readonly sharedMax: number;
    readonly databaseMax: number;
    /** Partitions of a shared cell's pool; each schema is served by two of them (SHARED_POOL_PARTITIONS). */
    readonly sharedPartitions: number;
    readonly statementTimeoutMs: number;
    readonly idleTimeoutMs: number;
    /** How long to wait for a pooled or new connection (PG_CONNECT_TIMEOUT_MS). */
    readonly connectTimeoutMs: number;
    /** May keep named prepared statements on application connections (PG_PREPARED_STATEMENTS). */
    readonly preparedStatements: boolean;
    /** Named statements kept prepared per connection (PG_STATEMENT_CACHE_SIZE). */
    readonly statementCacheSize: number;
    /** Statement timeout of tenant work, per tier (STATEMENT_TIMEOUT_<TIER>_MS). */
    readonly tierStatementTimeoutMs: { readonly shared: number; readonly schema: number; readonly database: number };
    /**
     * Parallel workers one tenant statement may use, per tier (PARALLEL_WORKERS_*); undefined: the
     * server's own setting. In a shared cell a parallel statement takes several cores from every tenant.
     */
    readonly tierParallelWorkers: {
      readonly shared: number;
      readonly schema: number;
      readonly database: number | undefined;
    };
    /** Most connections one tenant may hold of a shared pool, as a share of its max (TENANT_POOL_SHARE). */
    readonly tenantShare: number;
    /** Distinct schemas a connection may serve before it is replaced (POOL_MAX_SCHEMAS_PER_CONNECTION). */
    readonly maxSchemasPerConnection: number;
    /** Seconds after which a connection is replaced; 0: never (POOL_MAX_LIFETIME_S). */
    readonly maxLifetimeSeconds: number;
  };
  /** Connections this process may open per server (CONNECTION_BUDGET, or derived). */
  readonly connectionBudget: {
    /** An explicit budget per server; undefined: (max_connections − reserved − reserve) / instances. */
    readonly perServer: number | undefined;
    readonly reserve: number;
    readonly instances: number;
  };
  readonly circuitBreaker: { readonly failures: number; readonly openMs: number };
  readonly placementCache: { readonly ttlMs: number; readonly max: number; readonly freezeWaitMs: number };
  readonly migrations: {
    /** Absolute path of the migrations folder, or undefined for the project's own. */
    readonly dir: string | undefined;
    readonly lockTimeoutMs: number;
    readonly lockRetries: number;
    readonly statementTimeoutMs: number;
    readonly concurrency: number;
    readonly serverConcurrency: number;
  };
  readonly moves: {
    readonly retentionMs: number;
    readonly staleMs: number;
    readonly worker: boolean;
    /** Moves the worker runs at once (MOVE_CONCURRENCY). */
    readonly concurrency: number;
    readonly phaseDelayMs: number;
    /** Trigger DDL at a move's source: lock_timeout per attempt and how many attempts after the first. */
    readonly lockTimeoutMs: number;
    readonly lockRetries: number;
  };
  /** Upgrade-candidate limits per tier (ADVISOR_SHARED_LIMITS, ADVISOR_SCHEMA_LIMITS). */
  readonly advisor: { readonly shared: TierLimits; readonly schema: TierLimits };
  /** statement_timeout of a break-glass read, in milliseconds (BREAK_GLASS_TIMEOUT_MS). */
  readonly breakGlassTimeoutMs: number;
  readonly httpBodyLimit: string;
  readonly shutdownGraceMs: number;
  /** How often per-tenant usage is written to the control plane (USAGE_FLUSH_MS). */
  readonly usageFlushMs: number;
  /** How long an Idempotency-Key's response is kept for replay (IDEMPOTENCY_RETENTION_H). */
  readonly idempotencyRetentionMs: number;
  /** Absolute folder for offboarding archives written by the control plane (OFFBOARDING_EXPORT_DIR). */
  readonly offboardingExportDir: string | undefined;
  /** The largest archive the import endpoint accepts, in bytes (ARCHIVE_MAX_BYTES). */
  readonly archiveMaxBytes: number;
  readonly logLevel: LogLevel;
  /** json: structured lines (with one per request); pretty: readable lines (LOG_FORMAT). */
  readonly logFormat: 'json' | 'pretty';
}

/**
 * The validated configuration every Switchyard process runs with. Built once at start-up by
 * `buildConfig` (after `parseEnvironment`) and frozen; injected as this class (there is only one
 * implementation). Its fields are those of `SwitchyardConfigValues`.
 */
export class SwitchyardConfig implements SwitchyardConfigValues {
  readonly embedded!: boolean;
  readonly embeddedDataDir!: string;
  readonly embeddedPort!: number;
  readonly databaseUrl!: string;
  readonly redisUrl!: string | undefined;
  readonly extraServers!: SwitchyardConfigValues['extraServers'];
  readonly jwt!: SwitchyardConfigValues['jwt'];
  readonly ports!: SwitchyardConfigValues['ports'];
  readonly names!: SwitchyardConfigValues['names'];
  readonly advisor!: SwitchyardConfigValues['advisor'];
  readonly breakGlassTimeoutMs!: number;
  readonly appRolePassword!: string | undefined;
  readonly appEndpoint!: SwitchyardConfigValues['appEndpoint'];
  readonly pools!: SwitchyardConfigValues['pools'];
  readonly connectionBudget!: SwitchyardConfigValues['connectionBudget'];
  readonly circuitBreaker!: SwitchyardConfigValues['circuitBreaker'];
  readonly placementCache!: SwitchyardConfigValues['placementCache'];
  readonly migrations!: SwitchyardConfigValues['migrations'];
  readonly moves!: SwitchyardConfigValues['moves'];
  readonly httpBodyLimit!: string;
  readonly shutdownGraceMs!: number;
  readonly usageFlushMs!: number;
  readonly idempotencyRetentionMs!: number;
  readonly offboardingExportDir!: string | undefined;
  readonly archiveMaxBytes!: number;
  readonly logLevel!: LogLevel;
  readonly logFormat!: 'json' | 'pretty';

  constructor(values: SwitchyardConfigValues) {
    Object.assign(this, values);
    Object.freeze(this);
  }
}

/** Nest logger levels for the configured LOG_LEVEL (that level and everything more severe). */
export function nestLogLevels(config: SwitchyardConfig): LogLevel[] {
  const order: LogLevel[] = ['error', 'warn', 'log', 'debug', 'verbose'];
  return order.slice(0, order.indexOf(config.logLevel) + 1);
}
