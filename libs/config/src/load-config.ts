import { existsSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { parse as parseDotenv } from 'dotenv';
import { DomainError } from '@switchyard/errors';
import { environmentSchema, type Environment } from './config.schema';
import { SwitchyardConfig, type SwitchyardConfigValues } from './switchyard-config';

export type EnvironmentSource = Record<string, string | undefined>;

/** What an embedded PostgreSQL supplies when DATABASE_URL is unset. */
export interface EmbeddedSupply {
  databaseUrl: string;
  jwtSecret: string;
  appRolePassword: string;
}

/**
 * Reads the process environment (plus a `.env` file in the working directory, which never overrides a
 * variable that is already set). This is the only place in Switchyard that reads `process.env`.
 */
export function readEnvironment(overrides: EnvironmentSource = {}): EnvironmentSource {
  const dotenvPath = resolve(process.cwd(), '.env');
  const fromFile = existsSync(dotenvPath) ? parseDotenv(readFileSync(dotenvPath)) : {};
  return { ...fromFile, ...process.env, ...overrides };
}

/** Validates the environment; every problem names its variable. */
export function parseEnvironment(source: EnvironmentSource): Environment {
  const result = environmentSchema.safeParse(source);
  if (!result.success) {
    const lines = result.error.issues.map((issue) => `${issue.path.join('.') || '(env)'}: ${issue.message}`);
    throw new DomainError('CONFIG_INVALID', `Invalid configuration:\n  ${lines.join('\n  ')}`);
  }
  return result.data;
}

/** True when no external PostgreSQL is configured and the embedded one must serve. */
export function needsEmbeddedPostgres(env: Environment): boolean {
  return env.DATABASE_URL === undefined;
}

/**
 * Builds the final configuration. `embedded` fills in what an embedded PostgreSQL provides; without
 * it, DATABASE_URL and a JWT key are required.
 */
export function buildConfig(env: Environment, embedded?: EmbeddedSupply): SwitchyardConfig {
  // The embedded quick start is read by a person at a terminal; a deployment's logs by a collector.
  const logFormat = env.LOG_FORMAT ?? (env.DATABASE_URL === undefined ? 'pretty' : 'json');
  const databaseUrl = env.DATABASE_URL ?? embedded?.databaseUrl;
  if (!databaseUrl) {
    throw new DomainError(
      'CONFIG_INVALID',
      'Invalid configuration:\n  DATABASE_URL: required (or run `switchyard dev` for the embedded default)',
    );
  }
  const secret = env.JWT_SECRET ?? (env.JWT_PUBLIC_KEY ? undefined : embedded?.jwtSecret);
  if (!secret && !env.JWT_PUBLIC_KEY) {
    throw new DomainError(
      'CONFIG_INVALID',
      'Invalid configuration:\n  JWT_SECRET: required (or JWT_PUBLIC_KEY for RS256)',
    );
  }
  if (env.JWT_SECRET && env.JWT_PUBLIC_KEY) {
    throw new DomainError('CONFIG_INVALID', 'Invalid configuration:\n  JWT_SECRET / JWT_PUBLIC_KEY: set one, not both');
  }
  const prefix = env.SWITCHYARD_DB_PREFIX;
  // Typed, not cast: a field left out here, or one the type does not know, is a compile error.
  const values: SwitchyardConfigValues = {
    embedded: env.DATABASE_URL === undefined,
    embeddedDataDir: resolve(process.cwd(), env.EMBEDDED_DATA_DIR),
    embeddedPort: env.EMBEDDED_PG_PORT,
    databaseUrl,
    redisUrl: env.REDIS_URL,
    extraServers: env.EXTRA_SERVERS,
    jwt: secret
      ? { algorithm: 'HS256', secret, issuer: env.JWT_ISSUER, audience: env.JWT_AUDIENCE }
      : {
          algorithm: 'RS256',
          publicKey: env.JWT_PUBLIC_KEY,
          privateKey: env.JWT_PRIVATE_KEY,
          issuer: env.JWT_ISSUER,
          audience: env.JWT_AUDIENCE,
        },
    ports: { api: env.API_PORT, controlPlane: env.CONTROL_PLANE_PORT },
    names: {
      prefix,
      controlDatabase: `${prefix}_control`,
      sharedDatabase: `${prefix}_shared`,
      templateDatabase: `${prefix}_template`,
      appRole: env.APP_DB_USER,
      breakGlassRole: `${prefix}_breakglass`,
    },
    appRolePassword: env.APP_DB_PASSWORD ?? embedded?.appRolePassword,
    appEndpoint: env.APP_DB_HOST ? { host: env.APP_DB_HOST, port: env.APP_DB_PORT ?? 5432 } : undefined,
    pools: {
      sharedMax: env.SHARED_POOL_MAX,
      databaseMax: env.DATABASE_POOL_MAX,
      sharedPartitions: Math.min(env.SHARED_POOL_PARTITIONS, env.SHARED_POOL_MAX),
      statementTimeoutMs: env.STATEMENT_TIMEOUT_MS,
      idleTimeoutMs: env.POOL_IDLE_TIMEOUT_MS,
      connectTimeoutMs: env.PG_CONNECT_TIMEOUT_MS,
      preparedStatements: env.PG_PREPARED_STATEMENTS,
      statementCacheSize: env.PG_STATEMENT_CACHE_SIZE,
      tierStatementTimeoutMs: {
        shared: env.STATEMENT_TIMEOUT_SHARED_MS ?? env.STATEMENT_TIMEOUT_MS,
        schema: env.STATEMENT_TIMEOUT_SCHEMA_MS ?? env.STATEMENT_TIMEOUT_MS,
        database: env.STATEMENT_TIMEOUT_DATABASE_MS ?? env.STATEMENT_TIMEOUT_MS,
      },
      tierParallelWorkers: {
        shared: env.PARALLEL_WORKERS_SHARED,
        schema: env.PARALLEL_WORKERS_SCHEMA,
        database: env.PARALLEL_WORKERS_DATABASE,
      },
      tenantShare: env.TENANT_POOL_SHARE,
      maxLifetimeSeconds: env.POOL_MAX_LIFETIME_S,
      maxSchemasPerConnection: env.POOL_MAX_SCHEMAS_PER_CONNECTION,
    },
    connectionBudget: {
      perServer: env.CONNECTION_BUDGET,
      reserve: env.CONNECTION_RESERVE,
      instances: env.APP_INSTANCES,
    },
    circuitBreaker: { failures: env.CIRCUIT_BREAKER_FAILURES, openMs: env.CIRCUIT_BREAKER_OPEN_MS },
    placementCache: {
      ttlMs: env.PLACEMENT_CACHE_TTL_MS,
      max: env.PLACEMENT_CACHE_MAX,
      freezeWaitMs: env.TENANT_FREEZE_WAIT_MS,
    },
    migrations: {
      dir: env.MIGRATIONS_DIR ? resolve(process.cwd(), env.MIGRATIONS_DIR) : undefined,
      lockTimeoutMs: env.MIGRATION_LOCK_TIMEOUT_MS,
      lockRetries: env.MIGRATION_LOCK_RETRIES,
      statementTimeoutMs: env.MIGRATION_STATEMENT_TIMEOUT_MS,
      concurrency: env.MIGRATION_CONCURRENCY,
      serverConcurrency: env.MIGRATION_SERVER_CONCURRENCY,
    },
    moves: {
      retentionMs: env.MOVE_RETENTION_MS,
      staleMs: env.MOVE_STALE_MS,
      worker: env.MOVE_WORKER,
      concurrency: env.MOVE_CONCURRENCY,
      phaseDelayMs: env.MOVE_PHASE_DELAY_MS,
      lockTimeoutMs: env.MOVE_LOCK_TIMEOUT_MS,
      lockRetries: env.MOVE_LOCK_RETRIES,
    },
    advisor: { shared: env.ADVISOR_SHARED_LIMITS, schema: env.ADVISOR_SCHEMA_LIMITS },
    breakGlassTimeoutMs: env.BREAK_GLASS_TIMEOUT_MS,
    httpBodyLimit: env.HTTP_BODY_LIMIT,
    shutdownGraceMs: env.SHUTDOWN_GRACE_MS,
    usageFlushMs: env.USAGE_FLUSH_MS,
    idempotencyRetentionMs: env.IDEMPOTENCY_RETENTION_H * 3_600_000,
    offboardingExportDir: env.OFFBOARDING_EXPORT_DIR ? resolve(process.cwd(), env.OFFBOARDING_EXPORT_DIR) : undefined,
    archiveMaxBytes: env.ARCHIVE_MAX_BYTES,
    logLevel: env.LOG_LEVEL ?? (logFormat === 'json' ? 'log' : 'warn'),
    logFormat,
  };
  return new SwitchyardConfig(values);
}

/** Where the embedded PostgreSQL keeps its data and which port it listens on. */
export function embeddedLocation(env: Environment): { dataDir: string; port: number } {
  return { dataDir: resolve(process.cwd(), env.EMBEDDED_DATA_DIR), port: env.EMBEDDED_PG_PORT };
}
