export { isUuid, quoteIdent, tenantStorageNames } from './identifiers';
export { redactUrl, serverAddress, withCredentials, withDatabase } from './connection-url';
export { PgErrorCode, isPgError, pgErrorOf } from './pg-errors';
export type { PgError } from './pg-errors';
export { inTransaction, withOwnerClient } from './owner-connection';
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
