import { Catch } from '@nestjs/common';
import { ProblemDetailsFilter, type StatusMap } from '@switchyard/http';

/** Control-plane mapping: operators are told plainly what does not exist and what conflicts. */
export const CONTROL_PLANE_STATUSES: StatusMap = {
  VALIDATION_FAILED: 400,
  SERVER_NOT_FOUND: 400,
  CELL_NOT_FOUND: 400,
  UNAUTHENTICATED: 401,
  FORBIDDEN: 403,
  TENANT_NOT_FOUND: 404,
  WELLNESS_ENTRY_NOT_FOUND: 404,
  MOVE_NOT_FOUND: 404,
  MIGRATION_RUN_NOT_FOUND: 404,
  EMPLOYEE_NOT_FOUND: 404,
  TENANT_EXISTS: 409,
  TENANT_MOVING: 409,
  TENANT_NOT_ACTIVE: 409,
  TENANT_SUSPENDED: 409,
  EMAIL_TAKEN: 409,
  PRECONDITION_FAILED: 412,
  IDEMPOTENCY_KEY_REUSED: 422,
  IDEMPOTENCY_KEY_IN_USE: 409,
  MIGRATION_DRIFT: 409,
  MIGRATION_OUT_OF_ORDER: 409,
  NO_TENANT_CONTEXT: 500,
  TENANT_FROZEN: 503,
  MOVE_NOT_NEEDED: 409,
  MOVE_NOT_CANCELLABLE: 409,
  SCHEMA_VERSION_MISMATCH: 409,
  MIGRATION_FAILED: 500,
  PROVISIONING_FAILED: 500,
  CONFIG_INVALID: 500,
  // A damaged, truncated or edited archive: nothing was changed.
  ARCHIVE_INVALID: 422,
  ARCHIVE_TOO_LARGE: 413,
  OFFBOARDING_NOT_FOUND: 404,
  OFFBOARDING_NOT_CANCELLABLE: 409,
  // Break-glass reads: not one read-only statement of this tenant's, or the statement itself failed.
  QUERY_REFUSED: 422,
  QUERY_FAILED: 422,
  // The platform failed, not the request: retry after Retry-After.
  DATABASE_UNAVAILABLE: 503,
  STATEMENT_TIMEOUT: 503,
  DATABASE_BUSY: 503,
};

@Catch()
export class ControlPlaneProblemFilter extends ProblemDetailsFilter {
  constructor() {
    super(CONTROL_PLANE_STATUSES);
  }
}
