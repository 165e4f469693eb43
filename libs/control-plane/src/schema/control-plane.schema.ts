import { sql } from 'drizzle-orm';
import {
  bigint,
  bigserial,
  boolean,
  check,
  index,
  integer,
  jsonb,
  pgTable,
  primaryKey,
  text,
  timestamp,
  uniqueIndex,
  uuid,
} from 'drizzle-orm/pg-core';

export const TIERS = ['shared', 'schema', 'database'] as const;
export type Tier = (typeof TIERS)[number];

export const TENANT_STATUSES = ['provisioning', 'active', 'suspended', 'deleting'] as const;
export type TenantStatus = (typeof TENANT_STATUSES)[number];

/** `moving`: a move copies the tenant elsewhere (it is served as usual); `frozen`: its cutover runs. */
export const PLACEMENT_STATES = ['provisioning', 'ready', 'moving', 'frozen'] as const;
export type PlacementState = (typeof PLACEMENT_STATES)[number];

export const LEDGER_STATUSES = ['running', 'applied', 'failed'] as const;
export type LedgerStatus = (typeof LEDGER_STATUSES)[number];

const createdAt = () => timestamp('created_at', { withTimezone: true }).notNull().defaultNow();
const updatedAt = () => timestamp('updated_at', { withTimezone: true }).notNull().defaultNow();

/** PostgreSQL servers Switchyard may place shared cells and tenant databases on. */
export const servers = pgTable('servers', {
  name: text('name').primaryKey(),
  host: text('host').notNull(),
  port: integer('port').notNull(),
  createdAt: createdAt(),
});

/**
 * Shared cells: databases holding shared-tier rows and tenant schemas. `main` is the installation's
 * first (the shared database of the primary server); more can be added on any registered server.
 */
export const cells = pgTable(
  'cells',
  {
    name: text('name').primaryKey(),
    server: text('server')
      .notNull()
      .references(() => servers.name),
    database: text('database').notNull(),
    createdAt: createdAt(),
  },
  (t) => [
    check('cells_name_check', sql`${t.name} ~ '^[a-z][a-z0-9-]{0,15}$'`),
    uniqueIndex('cells_server_database_key').on(t.server, t.database),
  ],
);

export const tenants = pgTable(
  'tenants',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    slug: text('slug').notNull().unique('tenants_slug_key'),
    name: text('name').notNull(),
    status: text('status').$type<TenantStatus>().notNull(),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (t) => [
    check('tenants_slug_check', sql`${t.slug} ~ '^[a-z][a-z0-9-]{2,62}$'`),
    check('tenants_status_check', sql`${t.status} in ('provisioning', 'active', 'suspended', 'deleting')`),
    index('tenants_status_idx').on(t.status, t.slug),
  ],
);

/** Where a tenant's rows live. `version` grows by one at every change of location. */
export const placements = pgTable(
  'placements',
  {
    tenantId: uuid('tenant_id')
      .primaryKey()
      .references(() => tenants.id, { onDelete: 'cascade' }),
    tier: text('tier').$type<Tier>().notNull(),
    server: text('server')
      .notNull()
      .references(() => servers.name),
    database: text('database').notNull(),
    schema: text('schema').notNull(),
    version: integer('version').notNull().default(1),
    state: text('state').$type<PlacementState>().notNull(),
    schemaVersion: text('schema_version'),
    updatedAt: updatedAt(),
  },
  (t) => [
    check('placements_tier_check', sql`${t.tier} in ('shared', 'schema', 'database')`),
    check('placements_state_check', sql`${t.state} in ('provisioning', 'ready', 'moving', 'frozen')`),
    index('placements_tier_idx').on(t.tier),
  ],
);

/**
 * The control-plane view of which migration is applied where. The target itself also records each
 * migration in the same transaction as its DDL (the target-local ledger), which is the truth this table
 * is reconciled from after a crash.
 */
export const migrationLedger = pgTable(
  'migration_ledger',
  {
    target: text('target').notNull(),
    migration: text('migration').notNull(),
    tier: text('tier').$type<Tier>().notNull(),
    tenantId: uuid('tenant_id'),
    server: text('server').notNull(),
    database: text('database').notNull(),
    schema: text('schema').notNull(),
    checksum: text('checksum').notNull(),
    status: text('status').$type<LedgerStatus>().notNull(),
    startedAt: timestamp('started_at', { withTimezone: true }).notNull(),
    finishedAt: timestamp('finished_at', { withTimezone: true }),
    durationMs: integer('duration_ms'),
    error: text('error'),
  },
  (t) => [
    primaryKey({ columns: [t.target, t.migration] }),
    check('migration_ledger_status_check', sql`${t.status} in ('running', 'applied', 'failed')`),
    index('migration_ledger_tenant_idx').on(t.tenantId),
  ],
);

export const RUN_STATUSES = ['running', 'succeeded', 'failed'] as const;
export type RunStatus = (typeof RUN_STATUSES)[number];

/** One fleet migration run: what was asked, how far it got, and its summary. */
export const migrationRuns = pgTable(
  'migration_runs',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    status: text('status').$type<RunStatus>().notNull(),
    options: jsonb('options').notNull(),
    requestedBy: text('requested_by'),
    startedAt: timestamp('started_at', { withTimezone: true }).notNull().defaultNow(),
    heartbeatAt: timestamp('heartbeat_at', { withTimezone: true }).notNull().defaultNow(),
    finishedAt: timestamp('finished_at', { withTimezone: true }),
    targetsTotal: integer('targets_total').notNull().default(0),
    targetsDone: integer('targets_done').notNull().default(0),
    /** Each wave's progress (shared, canary, rest): done, total and failed targets. */
    waves: jsonb('waves'),
    summary: jsonb('summary'),
    results: jsonb('results'),
    error: text('error'),
  },
  (t) => [
    check('migration_runs_status_check', sql`${t.status} in ('running', 'succeeded', 'failed')`),
    index('migration_runs_started_idx').on(t.startedAt),
  ],
);

export const AUDIT_OUTCOMES = ['succeeded', 'failed'] as const;
export type AuditOutcome = (typeof AUDIT_OUTCOMES)[number];

/**
 * Every control-plane action: who (token `sub`), when, what, on which target, and how it ended.
 * `target` is the tenant id for tenant actions (moves included) and the run id for a migration run;
 * `target_slug` is the tenant's slug at the time, so the trail reads well after a tenant is gone.
 * Append-only: a trigger (migration 0003) refuses UPDATE, DELETE and TRUNCATE, for the owner too.
 */
export const auditLog = pgTable(
  'audit_log',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    at: timestamp('at', { withTimezone: true }).notNull().defaultNow(),
    actor: text('actor').notNull(),
    action: text('action').notNull(),
    target: text('target'),
    targetSlug: text('target_slug'),
    outcome: text('outcome').$type<AuditOutcome>().notNull(),
    details: jsonb('details'),
  },
  (t) => [
    check('audit_log_outcome_check', sql`${t.outcome} in ('succeeded', 'failed')`),
    index('audit_log_at_idx').on(t.at),
    index('audit_log_target_idx').on(t.target, t.at),
  ],
);

export const MOVE_STATES = [
  'pending',
  'copying',
  'catching_up',
  'cutover',
  'verifying',
  'cleaning_up',
  'done',
  'failed',
  'cancelled',
] as const;
export type MoveState = (typeof MOVE_STATES)[number];
export const TERMINAL_MOVE_STATES: readonly MoveState[] = ['done', 'failed', 'cancelled'];

/**
 * A tenant's move between placements: a durable job any control-plane process can pick up (the worker
 * holding it keeps `heartbeat_at` fresh; a stale heartbeat means its process died).
 */
export const moves = pgTable(
  'moves',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    tenantId: uuid('tenant_id')
      .notNull()
      .references(() => tenants.id, { onDelete: 'cascade' }),
    fromTier: text('from_tier').$type<Tier>().notNull(),
    fromServer: text('from_server').notNull(),
    fromDatabase: text('from_database').notNull(),
    fromSchema: text('from_schema').notNull(),
    fromVersion: integer('from_version').notNull(),
    toTier: text('to_tier').$type<Tier>().notNull(),
    toServer: text('to_server').notNull(),
    toDatabase: text('to_database').notNull(),
    toSchema: text('to_schema').notNull(),
    state: text('state').$type<MoveState>().notNull(),
    rowsCopied: bigint('rows_copied', { mode: 'number' }).notNull().default(0),
    rowsTotal: bigint('rows_total', { mode: 'number' }).notNull().default(0),
    freezeMs: integer('freeze_ms'),
    requestedBy: text('requested_by'),
    cancelRequested: boolean('cancel_requested').notNull().default(false),
    worker: text('worker'),
    heartbeatAt: timestamp('heartbeat_at', { withTimezone: true }),
    startedAt: timestamp('started_at', { withTimezone: true }).notNull().defaultNow(),
    finishedAt: timestamp('finished_at', { withTimezone: true }),
    /** When the old location's data is due for removal (MOVE_RETENTION_MS after the flip), and when it was removed. */
    cleanupAt: timestamp('cleanup_at', { withTimezone: true }),
    cleanedAt: timestamp('cleaned_at', { withTimezone: true }),
    attempts: integer('attempts').notNull().default(0),
    /** What the cutover compared on both sides: each table's rows and checksum, and rows re-checked since. */
    verification: jsonb('verification'),
    error: text('error'),
  },
  (t) => [
    check(
      'moves_state_check',
      sql`${t.state} in ('pending', 'copying', 'catching_up', 'cutover', 'verifying', 'cleaning_up', 'done', 'failed', 'cancelled')`,
    ),
    uniqueIndex('moves_one_active_per_tenant')
      .on(t.tenantId)
      .where(sql`state not in ('done', 'failed', 'cancelled')`),
    index('moves_started_idx').on(t.startedAt),
  ],
);

/**
 * Per-tenant usage by minute, written by every API process (summed on conflict): requests answered,
 * server errors (5xx), database time and rows touched. Tenant ids live here, never in metric labels.
 */
export const tenantUsage = pgTable(
  'tenant_usage',
  {
    // Cascades: erasing a tenant removes its usage; a late flush for it fails instead of leaving a row.
    tenantId: uuid('tenant_id')
      .notNull()
      .references(() => tenants.id, { onDelete: 'cascade' }),
    minute: timestamp('minute', { withTimezone: true }).notNull(),
    requests: bigint('requests', { mode: 'number' }).notNull().default(0),
    errors: bigint('errors', { mode: 'number' }).notNull().default(0),
    dbMs: bigint('db_ms', { mode: 'number' }).notNull().default(0),
    rows: bigint('rows', { mode: 'number' }).notNull().default(0),
  },
  (t) => [primaryKey({ columns: [t.tenantId, t.minute] }), index('tenant_usage_minute_idx').on(t.minute)],
);

/**
 * Operators' Idempotency-Keys on the control-plane API, per operator (the token's subject): the first
 * request's response, replayed to a retry with the same key and request.
 */
export const opsIdempotencyKeys = pgTable(
  'ops_idempotency_keys',
  {
    actor: text('actor').notNull(),
    key: text('key').notNull(),
    requestHash: text('request_hash').notNull(),
    status: integer('status'),
    response: jsonb('response'),
    /** The first response's Location header, replayed with it. */
    location: text('location'),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [primaryKey({ name: 'ops_idempotency_keys_pkey', columns: [t.actor, t.key] })],
);

/**
 * One-time console sign-in codes (`switchyard console`): only a digest is kept, so the table never holds
 * a usable code; a code is spent by the first sign-in that names it, and only until it expires.
 */
export const consoleSignInCodes = pgTable('console_sign_in_codes', {
  codeHash: text('code_hash').primaryKey(),
  operator: text('operator').notNull(),
  createdAt: createdAt(),
  expiresAt: timestamp('expires_at', { withTimezone: true }).notNull(),
  usedAt: timestamp('used_at', { withTimezone: true }),
});

/**
 * Operators' console sessions: the cookie carries a random token, this table its digest, the operator
 * it stands for and the CSRF token every state-changing call must echo. Signing out ends it at once.
 */
export const consoleSessions = pgTable(
  'console_sessions',
  {
    tokenHash: text('token_hash').primaryKey(),
    operator: text('operator').notNull(),
    csrfToken: text('csrf_token').notNull(),
    createdAt: createdAt(),
    expiresAt: timestamp('expires_at', { withTimezone: true }).notNull(),
    endedAt: timestamp('ended_at', { withTimezone: true }),
  },
  (t) => [index('console_sessions_expires_idx').on(t.expiresAt)],
);

export const OFFBOARDING_STATES = ['scheduled', 'erasing', 'done', 'cancelled', 'failed'] as const;
export type OffboardingState = (typeof OFFBOARDING_STATES)[number];

/**
 * A tenant's offboarding: suspended when requested, erased everywhere once `erase_after` has passed,
 * with the proof (`result`). Outlives the tenant (no foreign key): with the audit log it is the record
 * of the erasure. Claimed by one worker at a time (`worker`, `heartbeat_at`); one active per tenant.
 */
export const offboardings = pgTable(
  'offboardings',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    tenantId: uuid('tenant_id').notNull(),
    tenantSlug: text('tenant_slug').notNull(),
    state: text('state').$type<OffboardingState>().notNull(),
    /** The tenant's status before the offboarding suspended it: what a cancel restores. */
    previousStatus: text('previous_status').$type<TenantStatus>().notNull(),
    graceMs: bigint('grace_ms', { mode: 'number' }).notNull(),
    eraseAfter: timestamp('erase_after', { withTimezone: true }).notNull(),
    exportRequested: boolean('export_requested').notNull().default(false),
    /** Where the archive was written before erasing: file, bytes, sha256. */
    export: jsonb('export'),
    requestedBy: text('requested_by').notNull(),
    requestedAt: timestamp('requested_at', { withTimezone: true }).notNull().defaultNow(),
    /** Every location the tenant's data was known at, and its moves: kept across attempts of the erasure. */
    plan: jsonb('plan'),
    worker: text('worker'),
    heartbeatAt: timestamp('heartbeat_at', { withTimezone: true }),
    attempts: integer('attempts').notNull().default(0),
    startedAt: timestamp('started_at', { withTimezone: true }),
    finishedAt: timestamp('finished_at', { withTimezone: true }),
    cancelledBy: text('cancelled_by'),
    /** The proof: databases and tables checked, rows found, leftovers. */
    result: jsonb('result'),
    error: text('error'),
  },
  (t) => [
    check('offboardings_state_check', sql`${t.state} in ('scheduled', 'erasing', 'done', 'cancelled', 'failed')`),
    uniqueIndex('offboardings_one_active_per_tenant')
      .on(t.tenantId)
      .where(sql`state in ('scheduled', 'erasing')`),
    index('offboardings_due_idx')
      .on(t.eraseAfter)
      .where(sql`state in ('scheduled', 'erasing')`),
    index('offboardings_requested_idx').on(t.requestedAt),
  ],
);
