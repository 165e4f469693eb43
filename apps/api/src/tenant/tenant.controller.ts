import { Controller, Get, Req, UseGuards } from '@nestjs/common';
import { PlacementCache, type TenantScopedRequest } from '@switchyard/tenancy';
import { TenantGuard } from './tenant.guard';

@Controller('v1/tenant')
@UseGuards(TenantGuard)
export class TenantController {
  constructor(private readonly placements: PlacementCache) {}

  /** Who the caller is; never where its rows live. */
  @Get()
  async current(@Req() request: TenantScopedRequest): Promise<{ id: string; slug: string; name: string }> {
    const placement = await this.placements.get(request.tenantId!);
    return { id: placement.tenantId, slug: placement.slug, name: placement.name };
  }
}
