import { Controller, Get, Req, UseGuards } from '@nestjs/common';
import { ApiDoc } from '@switchyard/http';
import { PlacementCache, type TenantScopedRequest } from '@switchyard/tenancy';
import { tenantResponse } from '../api.schemas';
import { TenantGuard } from './tenant.guard';

@Controller('v1/tenant')
@UseGuards(TenantGuard)
export class TenantController {
  constructor(private readonly placements: PlacementCache) {}

  /** Who the caller is; never where its rows live. */
  @Get()
  @ApiDoc({ summary: 'The calling tenant: id, slug and name (never where its rows live)', response: tenantResponse })
  async current(@Req() request: TenantScopedRequest): Promise<{ id: string; slug: string; name: string }> {
    const placement = await this.placements.get(request.tenantId!);
    return { id: placement.tenantId, slug: placement.slug, name: placement.name };
  }
}
