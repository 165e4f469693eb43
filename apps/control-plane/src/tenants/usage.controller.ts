import { Controller, Get, Param, Query, UseGuards } from '@nestjs/common';
import { OpsGuard } from '@switchyard/auth';
import { TenantsService, TenantUsageRepository, USAGE_METRICS } from '@switchyard/control-plane';
import { ApiDoc, intParam, queryObject, ZodValidationPipe } from '@switchyard/http';
import { TenantFootprint } from '@switchyard/provisioning';
import { z } from 'zod';
import { tenantRef } from '../control-plane.schemas';
import type { JsonOf } from '../control-plane.responses';
import { tenantUsage, USAGE_WINDOWS, usageTop } from './usage.responses';

const WINDOWS: Record<(typeof USAGE_WINDOWS)[number], number> = {
  '1h': 3_600_000,
  '6h': 21_600_000,
  '24h': 86_400_000,
  '7d': 604_800_000,
  '30d': 2_592_000_000,
};
const windowParam = z.enum(USAGE_WINDOWS);
const usageQuery = queryObject({ window: windowParam.default('24h') });
const topQuery = queryObject({
  window: windowParam.default('1h'),
  by: z.enum(USAGE_METRICS).default('requests'),
  limit: intParam(1, 100).default(10),
});
const since = (window: keyof typeof WINDOWS) => new Date(Date.now() - WINDOWS[window]);

/**
 * Per-tenant usage, kept in the control plane (never as metric labels): who is heavy, and who has
 * outgrown a tier. Requests, server errors, database time and rows come from every API process by the
 * minute; storage (rows and bytes stored) is measured when asked.
 */
@Controller('v1')
@UseGuards(OpsGuard)
export class UsageController {
  constructor(
    private readonly tenants: TenantsService,
    private readonly usage: TenantUsageRepository,
    private readonly footprint: TenantFootprint,
  ) {}

  @Get('tenants/:ref/usage')
  @ApiDoc({
    summary: 'A tenant’s requests, errors, database time, rows and storage over a window',
    response: tenantUsage,
    errors: ['TENANT_NOT_FOUND'],
  })
  async tenant(
    @Param('ref', new ZodValidationPipe(tenantRef, 'tenant')) ref: string,
    @Query(new ZodValidationPipe(usageQuery, 'query')) query: z.infer<typeof usageQuery>,
  ) {
    const tenant = await this.tenants.get(ref);
    const from = since(query.window);
    const [usage, storage] = await Promise.all([this.usage.forTenant(tenant.id, from), this.footprint.of(tenant)]);
    return {
      tenantId: tenant.id,
      slug: tenant.slug,
      tier: tenant.tier,
      window: query.window,
      since: from,
      ...usage,
      storage,
    };
  }

  @Get('usage/top')
  @ApiDoc({ summary: 'The heaviest tenants over a window, by one measure', response: usageTop })
  async top(@Query(new ZodValidationPipe(topQuery, 'query')) query: z.infer<typeof topQuery>) {
    const from = since(query.window);
    return {
      by: query.by,
      window: query.window,
      since: from,
      items: await this.usage.top(query.by, from, query.limit),
    };
  }
}

// The documented schemas and the handlers must agree: this stops compiling when one changes alone.
type Served<K extends keyof UsageController> = JsonOf<Awaited<ReturnType<UsageController[K]>>>;
export const usageMatchesSchemas: [
  (v: Served<'tenant'>) => z.infer<typeof tenantUsage>,
  (v: Served<'top'>) => z.infer<typeof usageTop>,
] = [(v) => v, (v) => v];
