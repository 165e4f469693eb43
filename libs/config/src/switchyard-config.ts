export type JwtAlgorithm = 'HS256' | 'RS256';

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

/**
 * The validated configuration every Switchyard process runs with. Built once at start-up by
 * `loadConfig`; injected as this class (there is only one implementation).
 */
export class SwitchyardConfig {
  /** True when DATABASE_URL was unset and an embedded PostgreSQL serves this process. */
  readonly embedded!: boolean;
  readonly embeddedDataDir!: string;
  readonly embeddedPort!: number;
  /** Owner connection to the primary server (database part is ignored; Switchyard picks its own). */
  readonly databaseUrl!: string;
  readonly redisUrl?: string;
  /** Servers beyond the primary (EXTRA_SERVERS): owner URLs by name. */
  readonly extraServers!: { name: string; url: string }[];
  readonly jwt!: JwtSettings;
  readonly ports!: { api: number; controlPlane: number };
  /** Names of the databases and the application role this installation owns on each server. */
  readonly names!: {
    controlDatabase: string;
    sharedDatabase: string;
    templateDatabase: string;
    appRole: string;
  };
  readonly appRolePassword?: string;
  /** Host/port the application role connects to (a pooler such as PgBouncer); default: the server itself. */
  readonly appEndpoint?: { host: string; port: number };
  readonly pools!: {
    sharedMax: number;
    databaseMax: number;
    statementTimeoutMs: number;
    idleTimeoutMs: number;
    /** How long to wait for a pooled or new connection (PG_CONNECT_TIMEOUT_MS). */
    connectTimeoutMs: number;
    /** May keep named prepared statements on application connections (PG_PREPARED_STATEMENTS). */
    preparedStatements: boolean;
    /** Named statements kept prepared per connection (PG_STATEMENT_CACHE_SIZE). */
    statementCacheSize: number;
  };
  readonly placementCache!: { ttlMs: number; max: number; freezeWaitMs: number };
  readonly migrations!: {
    /** Absolute path of the migrations folder, or undefined for the project's own. */
    dir?: string;
    lockTimeoutMs: number;
    lockRetries: number;
    statementTimeoutMs: number;
    concurrency: number;
    serverConcurrency: number;
  };
  readonly moves!: {
    retentionMs: number;
    staleMs: number;
    worker: boolean;
    phaseDelayMs: number;
    /** Trigger DDL at a move's source: lock_timeout per attempt and how many attempts after the first. */
    lockTimeoutMs: number;
    lockRetries: number;
  };
  readonly httpBodyLimit!: string;
  readonly shutdownGraceMs!: number;
  readonly logLevel!: 'error' | 'warn' | 'log' | 'debug' | 'verbose';

  constructor(values: SwitchyardConfig) {
    Object.assign(this, values);
    Object.freeze(this);
  }
}

/** Nest logger levels for the configured LOG_LEVEL (that level and everything more severe). */
export function nestLogLevels(config: SwitchyardConfig): Array<SwitchyardConfig['logLevel']> {
  const order: Array<SwitchyardConfig['logLevel']> = ['error', 'warn', 'log', 'debug', 'verbose'];
  return order.slice(0, order.indexOf(config.logLevel) + 1);
}
