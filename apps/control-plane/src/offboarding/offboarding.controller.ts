import { Body, Controller, Get, HttpCode, Param, Post, Query, Req, UseGuards, UseInterceptors } from '@nestjs/common';
import { OpsGuard, type AuthenticatedRequest } from '@switchyard/auth';
import { auditActor, OFFBOARDING_STATES } from '@switchyard/control-plane';
import { ApiDoc, intParam, queryObject, ZodValidationPipe } from '@switchyard/http';
import { IDEMPOTENCY_KEY_DOC, IdempotencyInterceptor } from '@switchyard/idempotency';
import { OffboardingService } from '@switchyard/offboarding';
import { z } from 'zod';
import { Audited } from '../audit/audited.decorator';
import { tenantRef } from '../control-plane.schemas';
import { offboardingList, offboardingResponse } from './offboarding.responses';
import { offboardingView } from './offboarding.view';

const offboardBody = z.strictObject({
  grace: z
    .string()
    .regex(/^(0|\d{1,6}[smhdw])$/, 'must be 0 or a duration such as 90s, 30m, 1h, 7d, 2w')
    .optional()
    .describe('How long before the tenant is erased (default 7d); 0 erases it at once'),
  export: z
    .boolean()
    .optional()
    .describe('Write the tenant’s archive to OFFBOARDING_EXPORT_DIR before anything is erased'),
});
const offboardingId = z
  .string()
  .regex(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/, 'must be a UUID');
const listQuery = queryObject({
  tenant: tenantRef.optional(),
  state: z.enum(OFFBOARDING_STATES).optional(),
  limit: intParam(1, 200).default(50),
});

@Controller('v1')
@UseGuards(OpsGuard)
export class OffboardingController {
  constructor(private readonly offboarding: OffboardingService) {}

  /** Suspends the tenant at once and schedules its erasure; the control plane's worker carries it out. */
  @Post('tenants/:ref/offboarding')
  @UseInterceptors(IdempotencyInterceptor)
  @ApiDoc({
    summary: 'Offboard a tenant: suspended now, erased everywhere after the grace period, with proof',
    response: offboardingResponse,
    headers: [IDEMPOTENCY_KEY_DOC],
    errors: ['IDEMPOTENCY_KEY_REUSED', 'IDEMPOTENCY_KEY_IN_USE', 'TENANT_NOT_FOUND', 'TENANT_NOT_ACTIVE'],
  })
  @HttpCode(202)
  @Audited({ action: 'tenant.offboard', subject: (req) => ({ tenant: req.params.ref }) })
  async offboard(
    @Param('ref', new ZodValidationPipe(tenantRef, 'tenant')) ref: string,
    @Body(new ZodValidationPipe(offboardBody, 'body')) body: z.infer<typeof offboardBody>,
    @Req() request: AuthenticatedRequest,
  ) {
    return offboardingView(await this.offboarding.request(ref, body, auditActor(request.user?.sub)));
  }

  @Get('offboardings')
  @ApiDoc({ summary: 'Offboardings, newest first', response: offboardingList })
  async list(@Query(new ZodValidationPipe(listQuery, 'query')) query: z.infer<typeof listQuery>) {
    return { items: (await this.offboarding.list(query)).map(offboardingView) };
  }

  @Get('offboardings/:id')
  @ApiDoc({
    summary: 'One offboarding, with its proof once erased',
    response: offboardingResponse,
    errors: ['OFFBOARDING_NOT_FOUND'],
  })
  async get(@Param('id', new ZodValidationPipe(offboardingId, 'id')) id: string) {
    return offboardingView(await this.offboarding.get(id));
  }

  /** During the grace period only: the tenant gets back the status it had. */
  @Post('offboardings/:id/cancel')
  @UseInterceptors(IdempotencyInterceptor)
  @ApiDoc({
    summary: 'Cancel an offboarding during its grace period; the tenant is resumed',
    response: offboardingResponse,
    headers: [IDEMPOTENCY_KEY_DOC],
    errors: [
      'IDEMPOTENCY_KEY_REUSED',
      'IDEMPOTENCY_KEY_IN_USE',
      'OFFBOARDING_NOT_FOUND',
      'OFFBOARDING_NOT_CANCELLABLE',
    ],
  })
  @HttpCode(200)
  async cancel(
    @Param('id', new ZodValidationPipe(offboardingId, 'id')) id: string,
    @Req() request: AuthenticatedRequest,
  ) {
    return offboardingView(await this.offboarding.cancel(id, auditActor(request.user?.sub)));
  }
}
