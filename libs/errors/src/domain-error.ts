/**
 * Every failure a library reports on purpose carries one of these codes. Apps map codes to HTTP
 * statuses or CLI exit messages; libraries never know about HTTP.
 */
export type ErrorCode =
  | 'VALIDATION_FAILED'
  | 'UNAUTHENTICATED'
  | 'FORBIDDEN'
  | 'TENANT_NOT_FOUND'
  | 'TENANT_SUSPENDED'
  | 'TENANT_NOT_ACTIVE'
  | 'TENANT_EXISTS'
  | 'TENANT_MOVING'
  | 'TENANT_FROZEN'
  | 'MOVE_NOT_NEEDED'
  | 'MOVE_NOT_CANCELLABLE'
  | 'SCHEMA_VERSION_MISMATCH'
  | 'NO_TENANT_CONTEXT'
  | 'WELLNESS_ENTRY_NOT_FOUND'
  | 'MOVE_NOT_FOUND'
  | 'MIGRATION_RUN_NOT_FOUND'
  | 'EMPLOYEE_NOT_FOUND'
  | 'EMAIL_TAKEN'
  | 'PRECONDITION_FAILED'
  | 'IDEMPOTENCY_KEY_REUSED'
  | 'IDEMPOTENCY_KEY_IN_USE'
  | 'SERVER_NOT_FOUND'
  | 'CELL_NOT_FOUND'
  | 'MIGRATION_DRIFT'
  | 'MIGRATION_OUT_OF_ORDER'
  | 'MIGRATION_FAILED'
  | 'PROVISIONING_FAILED'
  | 'CONFIG_INVALID'
  | 'ARCHIVE_INVALID'
  | 'ARCHIVE_TOO_LARGE'
  | 'OFFBOARDING_NOT_FOUND'
  | 'OFFBOARDING_NOT_CANCELLABLE'
  | 'QUERY_REFUSED'
  | 'QUERY_FAILED'
  | 'DATABASE_UNAVAILABLE'
  | 'STATEMENT_TIMEOUT'
  | 'DATABASE_BUSY';

export class DomainError extends Error {
  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly details?: Record<string, unknown>,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'DomainError';
  }
}

export function isDomainError(error: unknown, code?: ErrorCode): error is DomainError {
  return error instanceof DomainError && (code === undefined || error.code === code);
}
