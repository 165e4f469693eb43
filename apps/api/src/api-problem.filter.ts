import { Catch } from '@nestjs/common';
import { ProblemDetailsFilter, type StatusMap } from '@switchyard/http';

/**
 * Tenant API mapping. An unknown or suspended tenant is 403; another tenant's ids are 404, exactly like
 * ids that do not exist, so a caller can never tell the two apart.
 */
export const API_STATUSES: StatusMap = {
  VALIDATION_FAILED: 400,
  UNAUTHENTICATED: 401,
  FORBIDDEN: 403,
  TENANT_NOT_FOUND: 403,
  TENANT_SUSPENDED: 403,
  TENANT_NOT_ACTIVE: 403,
  NO_TENANT_CONTEXT: 403,
  WELLNESS_ENTRY_NOT_FOUND: 404,
  MOVE_NOT_FOUND: 404,
  MIGRATION_RUN_NOT_FOUND: 404,
  EMPLOYEE_NOT_FOUND: 404,
  EMAIL_TAKEN: 409,
  PRECONDITION_FAILED: 412,
  IDEMPOTENCY_KEY_REUSED: 422,
  IDEMPOTENCY_KEY_IN_USE: 409,
  TENANT_EXISTS: 409,
  TENANT_MOVING: 503,
  TENANT_FROZEN: 503,
  MOVE_NOT_NEEDED: 409,
  MOVE_NOT_CANCELLABLE: 409,
  // Control-plane only (tenant data lifecycle); listed because the map is total.
  ARCHIVE_INVALID: 422,
  ARCHIVE_TOO_LARGE: 413,
  OFFBOARDING_NOT_FOUND: 404,
  OFFBOARDING_NOT_CANCELLABLE: 409,
  QUERY_REFUSED: 422,
  QUERY_FAILED: 422,
  SCHEMA_VERSION_MISMATCH: 409,
  SERVER_NOT_FOUND: 500,
  CELL_NOT_FOUND: 500,
  MIGRATION_DRIFT: 500,
  MIGRATION_OUT_OF_ORDER: 500,
  MIGRATION_FAILED: 500,
  PROVISIONING_FAILED: 500,
  CONFIG_INVALID: 500,
  // The platform failed, not the request: retry after Retry-After.
  DATABASE_UNAVAILABLE: 503,
  STATEMENT_TIMEOUT: 503,
  DATABASE_BUSY: 503,
};

@Catch()
export class ApiProblemFilter extends ProblemDetailsFilter {
  constructor() {
    super(API_STATUSES);
  }
}
