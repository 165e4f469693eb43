import { Body, Controller, HttpCode, Param, Post, Req, UseGuards } from '@nestjs/common';
import { OpsGuard, type AuthenticatedRequest } from '@switchyard/auth';
import {
  breakGlassQueryBody,
  breakGlassQueryResult,
  breakGlassTenantRef,
  BreakGlassService,
  type BreakGlassQueryResult,
} from '@switchyard/break-glass';
import { auditActor } from '@switchyard/control-plane';
import { ApiDoc, ZodValidationPipe } from '@switchyard/http';
import type { z } from 'zod';

/**
 * Documents a parameter's schema (the OpenAPI document reads it off the pipe) and passes the value on
 * unparsed: BreakGlassService validates it itself, so that even a malformed request is recorded in the
 * audit log with the reason and statement it carried.
 */
class ValidatedByService<T extends z.ZodType> extends ZodValidationPipe<T> {
  override transform(value: unknown): z.infer<T> {
    return value as z.infer<T>;
  }
}

/** Audited break-glass reads (libs/break-glass): one read-only statement in a tenant's context. */
@Controller('v1/tenants')
@UseGuards(OpsGuard)
export class BreakGlassController {
  constructor(private readonly breakGlass: BreakGlassService) {}

  /**
   * Not @Audited: the service writes the one `tenant.query` entry itself, refusals included, with the
   * reason and the statement; the interceptor would add a second.
   */
  @Post(':ref/query')
  @HttpCode(200)
  @ApiDoc({
    summary: 'Run one read-only statement in the tenant’s context (break-glass, audited)',
    description:
      'SELECT, WITH … SELECT, VALUES, TABLE or EXPLAIN without ANALYZE; only the tenant’s own tables, built-in ' +
      'functions that change nothing, as a role that can only read, in a READ ONLY transaction with ' +
      'BREAK_GLASS_TIMEOUT_MS as statement_timeout; at most 1000 rows. Recorded as `tenant.query` (reason, ' +
      'statement, row count or error code) before any row is returned.',
    response: breakGlassQueryResult,
    errors: ['TENANT_NOT_FOUND', 'TENANT_NOT_ACTIVE', 'TENANT_MOVING', 'QUERY_REFUSED', 'QUERY_FAILED'],
  })
  async query(
    @Param('ref', new ValidatedByService(breakGlassTenantRef, 'tenant')) ref: string,
    @Body(new ValidatedByService(breakGlassQueryBody, 'body')) body: unknown,
    @Req() request: AuthenticatedRequest,
  ): Promise<BreakGlassQueryResult> {
    return this.breakGlass.query(ref, body, auditActor(request.user?.sub));
  }
}
