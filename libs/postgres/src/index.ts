export { isUuid, quoteIdent, tenantStorageNames } from './identifiers';
export { redactUrl, serverAddress, withCredentials, withDatabase } from './connection-url';
export { PgErrorCode, isPgError, pgErrorOf } from './pg-errors';
export type { PgError } from './pg-errors';
export { withOwnerClient } from './owner-connection';
export { destroyConnection, inTransaction, rollbackOrDestroy } from './transaction';
export type { IsolationLevel, TransactionOptions } from './transaction';
export { AdvisoryLock, advisoryXactLock } from './advisory-locks';
export type { AdvisoryLockName } from './advisory-locks';
export { bestEffort } from './best-effort';
export { OwnerPools } from './owner-pools';
export { createResilientPool, endPool } from './resilient-pool';
export { asPlatformError, platformFailureOf } from './platform-failure';
export type { PlatformFailureCode } from './platform-failure';
export {
  READ_FENCE_SCHEMA,
  READ_FENCE_SQLSTATE,
  TENANT_CONTEXT_SQL,
  ensureFenceSchema,
  hasReadFence,
  lowerReadFence,
  raiseReadFence,
  readersOlderThanFence,
} from './location-fence';
export { parentsFirst, tenantTables } from './tenant-tables';
export type { TenantTableLinks } from './tenant-tables';
export { singleRow } from './single-row';
