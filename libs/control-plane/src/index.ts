export * from './schema/control-plane.schema';
export { ControlPlaneDatabase } from './control-plane-database';
export type { ControlPlaneDrizzle } from './control-plane-database';
export { ControlPlaneModule, controlPlaneUrl } from './control-plane.module';
export type { ControlPlaneAccess } from './control-plane.module';
export { PlacementInvalidations } from './invalidations/placement-invalidations';
export type { InvalidationChannels, InvalidationListener } from './invalidations/placement-invalidations';
export { PLACEMENT_CHANNEL } from './invalidations/postgres-listener';
export { TenantsRepository } from './tenants/tenants.repository';
export type { MoveClaim } from './tenants/tenants.repository';
export { TenantsService, SLUG_PATTERN, tenantEditAction } from './tenants/tenants.service';
export type {
  NewTenant,
  PlacementLocation,
  TenantEdit,
  TenantListFilter,
  TenantRecord,
  TenantSortKey,
} from './tenants/tenant.types';
export { TENANT_SORT_KEYS } from './tenants/tenant.types';
export { CellsRepository, MAIN_CELL } from './cells/cells.repository';
export type { CellLoad, CellRecord } from './cells/cells.repository';
export { ServersRepository } from './servers/servers.repository';
export type { ServerRecord, ServerUsage } from './servers/servers.repository';
export { LedgerRepository } from './ledger/ledger.repository';
export type { LedgerEntry, LedgerTarget } from './ledger/ledger.repository';
export { ServerDirectory, PRIMARY_SERVER } from './servers/server-directory';
export { ServerOverviews } from './servers/server-overview';
export type { ServerOverview } from './servers/server-overview';
export { MigrationRunsRepository } from './runs/migration-runs.repository';
export type { MigrationRunRecord } from './runs/migration-runs.repository';
export { AuditLogRepository } from './audit/audit-log.repository';
export type { AuditEntry, AuditFilter, AuditRecord } from './audit/audit-log.repository';
export { auditActor, auditText, SYSTEM_ACTOR } from './audit/audit-actor';
export type { AuditActor } from './audit/audit-actor';
export { RefusalRecorder } from './audit/refusal-recorder';
export type { RefusalSubject } from './audit/refusal-recorder';
export { MovesRepository } from './moves/moves.repository';
export type { MoveEnd, MoveRecord, NewMove } from './moves/moves.repository';
export { TenantUsageRepository, USAGE_METRICS } from './usage/tenant-usage.repository';
export { OpsIdempotencyKeysRepository } from './idempotency/ops-idempotency-keys.repository';
export type { StoredIdempotencyKey } from './idempotency/ops-idempotency-keys.repository';
export type { UsageCounts, UsageMetric, UsageSample } from './usage/tenant-usage.repository';
export { ConsoleSessions, CONSOLE_SESSION_TTL_MS, SIGN_IN_CODE_TTL_MS } from './console/console-sessions';
export type { ConsoleSession, OpenedConsoleSession } from './console/console-sessions';
export { ACTIVE_OFFBOARDING_STATES, OffboardingsRepository } from './offboarding/offboardings.repository';
export type { NewOffboarding, OffboardingEnd, OffboardingRecord } from './offboarding/offboardings.repository';
