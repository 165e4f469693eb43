/**
 * The control plane's responses as the console reads them (timestamps are ISO 8601 strings). They
 * mirror apps/control-plane (control-plane.responses.ts, the views and the libraries they return).
 */

export const TIERS = ['shared', 'schema', 'database'] as const;
export type Tier = (typeof TIERS)[number];

export const TENANT_STATUSES = ['provisioning', 'active', 'suspended', 'deleting'] as const;
export type TenantStatus = (typeof TENANT_STATUSES)[number];

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

export const USAGE_WINDOWS = ['1h', '6h', '24h', '7d', '30d'] as const;
export type UsageWindow = (typeof USAGE_WINDOWS)[number];

export const TARGET_STATES = ['current', 'behind', 'failed', 'running'] as const;
export type TargetState = (typeof TARGET_STATES)[number];

export const OFFBOARDING_STATES = ['scheduled', 'erasing', 'done', 'cancelled', 'failed'] as const;
export type OffboardingState = (typeof OFFBOARDING_STATES)[number];

/** RFC 9457 problem details, as every error of the API is sent. */
export interface Problem {
  type?: string;
  title?: string;
  status?: number;
  detail?: string;
  code?: string;
  requestId?: string;
}

export interface ConsoleSession {
  operator: string;
  csrfToken: string;
  expiresAt: string;
}

export interface Location {
  server: string;
  database: string;
  schema: string;
}

export interface Tenant {
  id: string;
  slug: string;
  name: string;
  status: TenantStatus;
  tier: Tier;
  placement: Location;
  version: number;
  schemaVersion: string | null;
  createdAt: string;
  updatedAt: string;
}

export const TENANT_SORT_KEYS = ['slug', 'name', 'tier', 'status', 'createdAt'] as const;
export type TenantSortKey = (typeof TENANT_SORT_KEYS)[number];
export type SortOrder = 'asc' | 'desc';

export interface TenantPage {
  items: Tenant[];
  nextCursor: string | null;
  total: number;
}

export interface MoveVerification {
  tables: { table: string; rows: number; checksum: string }[];
  rowsRecheckedBeforeFreeze: number;
  rowsRecheckedInFreeze: number;
}

export interface Move {
  id: string;
  tenantId: string;
  from: Location & { tier: Tier };
  to: Location & { tier: Tier };
  state: MoveState;
  phase: MoveState;
  rowsCopied: number;
  rowsTotal: number;
  /** How long writes were held at the cutover. */
  freezeMs: number | null;
  cancelRequested: boolean;
  requestedBy: string | null;
  startedAt: string;
  finishedAt: string | null;
  error: string | null;
  /** What the cutover compared on both sides; null until then. */
  verification: MoveVerification | null;
}

export interface MoveEstimate {
  rows: number;
  bytes: number;
  expectedSeconds: number | null;
  basis: { moves: number; rowsPerSecond: number | null; fixedSeconds?: number | null };
}

export interface UsageCounts {
  requests: number;
  errors: number;
  dbMs: number;
  rows: number;
}

export interface TenantUsage {
  tenantId: string;
  slug: string;
  tier: Tier;
  window: UsageWindow;
  since: string;
  total: UsageCounts;
  hours: (UsageCounts & { hour: string })[];
  storage: { rows: number; bytes: number; tables: { table: string; rows: number; bytes: number }[] };
}

export interface Cell {
  name: string;
  server: string;
  database: string;
  createdAt: string;
  tenants: { shared: number; schema: number };
}

export interface ServerOverview {
  name: string;
  host: string;
  port: number;
  createdAt: string;
  tenants: Record<Tier, number>;
  cells: Cell[];
  /** Read from the server itself; null when it cannot be reached now. */
  live: {
    maxConnections: number;
    connections: { application: number; total: number };
    bytes: number;
  } | null;
}

export type TargetCounts = Record<TargetState, number>;

export interface Overview {
  tenants: {
    total: number;
    byTier: Record<Tier, number>;
    byStatus: Record<TenantStatus, number>;
  };
  servers: ServerOverview[];
  /** Per tier as `byTier`, or per kind of target (with template and total) as `summary`. */
  migrations: {
    latest: string | null;
    controlPlane?: { applied: string | null; latest: string | null };
    byTier?: Record<Tier, TargetCounts>;
    summary?: Partial<Record<TargetKind | 'total', TargetCounts & { targets?: number }>>;
  };
  moves: { running: Move[] };
  /** How many findings, as one count or as errors and warnings. */
  doctor: {
    ok: boolean;
    findings?: number;
    errors?: number;
    warnings?: number;
    checkedTargets?: number;
    checkedAt?: string;
  };
}

/** What a migration target is: a shared or template database, a schema tenant or a database tenant. */
export type TargetKind = 'shared' | 'template' | 'schema' | 'database';

export interface MigrationTarget {
  key: string;
  kind: TargetKind;
  tier: string;
  tenant: string | null;
  tenantId: string | null;
  server: string;
  database: string;
  schema: string;
  applied: string | null;
  latest: string | null;
  status: TargetState;
  pending: string[];
  error: string | null;
}

export interface MigrationStatus {
  latest: string | null;
  controlPlane: { applied: string | null; latest: string | null };
  summary: Record<TargetKind | 'total', TargetCounts & { targets: number }>;
  targets: MigrationTarget[];
}

export type TargetOutcome = 'applied' | 'current' | 'failed' | 'skipped' | 'planned';

export interface TargetReport {
  key: string;
  kind: TargetKind;
  tier: Tier;
  tenant: string | null;
  server: string;
  database: string;
  schema: string;
  outcome: TargetOutcome;
  applied: string[];
  pending: string[];
  version: string | null;
  error?: string;
  errorCode?: string;
}

export interface RunOptions {
  tiers?: Tier[];
  tenants?: string[];
  concurrency?: number;
  canary?: number;
  dryRun?: boolean;
}

/** A wave of a run, when the API reports them (shared databases, the canary, the rest). */
export interface RunWave {
  wave: string;
  done: number;
  total: number;
  failed?: number;
}

export interface MigrationRun {
  id: string;
  status: 'running' | 'succeeded' | 'failed' | 'interrupted';
  options: RunOptions | null;
  requestedBy: string | null;
  startedAt: string;
  finishedAt: string | null;
  progress: { done: number; total: number; wave?: string; failed?: number };
  waves?: RunWave[];
  summary:
    | (Partial<Record<TargetKind | 'total', Record<TargetOutcome, number>>> & {
        stoppedByCanary?: boolean;
        latest?: string | null;
        dryRun?: boolean;
      })
    | null;
  results?: TargetReport[] | null;
  error: string | null;
}

/** Traffic is reported over the window (`requests`, `dbMs`) or per hour (`requestsPerHour`, `dbMsPerHour`). */
export interface Candidate {
  tenantId: string;
  slug: string;
  tier: Tier;
  server: string;
  rows: number;
  bytes: number;
  sizeApproximate?: boolean;
  requests?: number;
  dbMs?: number;
  requestsPerHour?: number;
  dbMsPerHour?: number;
  reasons: string[];
  score: number;
  suggestion: { tier: Tier; server: string | null };
}

/** The limits per tier past which a tenant is a candidate, as `thresholds` or `limits`. */
export interface Candidates {
  windowHours?: number;
  thresholds?: Record<string, unknown>;
  limits?: Record<string, unknown>;
  items: Candidate[];
}

export type Severity = 'error' | 'warning';

export interface Finding {
  severity: Severity;
  code: string;
  target: string;
  object: string;
  message: string;
}

export interface DoctorReport {
  ok: boolean;
  checkedTargets: number;
  findings: Finding[];
}

export interface AuditEntry {
  id: number;
  at: string;
  actor: string;
  action: string;
  target: string | null;
  targetSlug: string | null;
  outcome: 'succeeded' | 'failed';
  details: unknown;
}

export interface AuditPage {
  items: AuditEntry[];
  nextCursor: string | null;
}

/** A tenant's offboarding (the fields the console shows; the proof stays in the API and audit log). */
export interface Offboarding {
  id: string;
  tenantSlug: string;
  state: OffboardingState;
  grace: string;
  eraseAfter: string;
  export: { requested: boolean; file: string | null };
  requestedBy: string;
  requestedAt: string;
  startedAt: string | null;
  finishedAt: string | null;
  cancelledBy: string | null;
  error: string | null;
}
