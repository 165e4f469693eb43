import { Controller, Get, Param, Query, UseGuards } from '@nestjs/common';
import { MoveEstimator, PlacementAdvisor } from '@switchyard/advisor';
import { OpsGuard } from '@switchyard/auth';
import { TenantsService, TIERS } from '@switchyard/control-plane';
import { ApiDoc, intParam, queryObject, ZodValidationPipe } from '@switchyard/http';
import { z } from 'zod';
import { serverName, tenantRef } from '../control-plane.schemas';
import type { JsonOf } from '../control-plane.responses';
import { candidateReport, moveEstimate } from './advisor.responses';

const WINDOW_HOURS = { '1h': 1, '24h': 24, '7d': 168 } as const;
const candidatesQuery = queryObject({
  window: z.enum(['1h', '24h', '7d']).default('24h'),
  limit: intParam(1, 500).default(50),
});
const estimateQuery = queryObject({ tier: z.enum(TIERS), server: serverName.optional() });

/** Placement advice for operators: who has outgrown their tier, and what a move would cost. */
@Controller('v1')
@UseGuards(OpsGuard)
export class AdvisorController {
  constructor(
    private readonly advisor: PlacementAdvisor,
    private readonly estimator: MoveEstimator,
    private readonly tenants: TenantsService,
  ) {}

  @Get('advisor/candidates')
  @ApiDoc({
    summary: 'Upgrade candidates: tenants above their tier’s limits, worst first, each with the move that fixes it',
    response: candidateReport,
  })
  async candidates(@Query(new ZodValidationPipe(candidatesQuery, 'query')) query: z.infer<typeof candidatesQuery>) {
    return this.advisor.candidates(WINDOW_HOURS[query.window], query.limit);
  }

  @Get('tenants/:ref/moves/estimate')
  @ApiDoc({
    summary: 'What moving a tenant would carry (rows, bytes) and take (from this installation’s past moves)',
    response: moveEstimate,
    errors: ['TENANT_NOT_FOUND'],
  })
  async estimate(
    @Param('ref', new ZodValidationPipe(tenantRef, 'tenant')) ref: string,
    @Query(new ZodValidationPipe(estimateQuery, 'query')) query: z.infer<typeof estimateQuery>,
  ) {
    const tenant = await this.tenants.get(ref);
    const estimate = await this.estimator.estimate(tenant, query.tier);
    return {
      tenantId: tenant.id,
      from: { tier: tenant.tier, server: tenant.placement.server },
      to: { tier: query.tier, server: query.server ?? tenant.placement.server },
      ...estimate,
    };
  }
}

// The documented schemas and the handlers must agree: this stops compiling when one changes alone.
type Served<K extends keyof AdvisorController> = JsonOf<Awaited<ReturnType<AdvisorController[K]>>>;
export const advisorMatchesSchemas: [
  (v: Served<'candidates'>) => z.infer<typeof candidateReport>,
  (v: Served<'estimate'>) => z.infer<typeof moveEstimate>,
] = [(v) => v, (v) => v];
