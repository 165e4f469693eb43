import { IDEMPOTENCY_KEY_DOC, IdempotencyInterceptor } from '@switchyard/idempotency';
import {
  Body,
  Controller,
  Delete,
  Get,
  HttpCode,
  Param,
  Patch,
  Post,
  Query,
  Req,
  Res,
  UseGuards,
  UseInterceptors,
} from '@nestjs/common';
import { OpsGuard, type AuthenticatedRequest } from '@switchyard/auth';
import { auditActor, SLUG_PATTERN, tenantEditAction, TenantsService } from '@switchyard/control-plane';
import { DomainError } from '@switchyard/errors';
import { tenantPage, tenantResponse } from '../control-plane.responses';
import { ApiDoc, ZodValidationPipe } from '@switchyard/http';
import { TenantLifecycleService } from '@switchyard/provisioning';
import type { Response } from 'express';
import type { z } from 'zod';
import { createTenantBody, listTenantsQuery, tenantRef, updateTenantBody } from '../control-plane.schemas';
import { Audited } from '../audit/audited.decorator';
import { tenantView, type TenantView } from './tenant.view';

const refPipe = new ZodValidationPipe(tenantRef, 'tenant');

function decodeSlugCursor(cursor: string | undefined): string | undefined {
  if (cursor === undefined) return undefined;
  const slug = Buffer.from(cursor, 'base64url').toString('utf8');
  if (!SLUG_PATTERN.test(slug)) throw new DomainError('VALIDATION_FAILED', 'cursor is not valid');
  return slug;
}

@Controller('v1/tenants')
@UseGuards(OpsGuard)
export class TenantsController {
  constructor(
    private readonly tenants: TenantsService,
    private readonly lifecycle: TenantLifecycleService,
  ) {}

  /** 201 for a new tenant; 200 when an interrupted provisioning of the same tenant was resumed. */
  @Post()
  @UseInterceptors(IdempotencyInterceptor)
  @ApiDoc({
    summary: 'Create a tenant in a tier (201; 200 when an interrupted provisioning was resumed)',
    response: tenantResponse,
    headers: [IDEMPOTENCY_KEY_DOC],
    errors: [
      'IDEMPOTENCY_KEY_REUSED',
      'IDEMPOTENCY_KEY_IN_USE',
      'TENANT_EXISTS',
      'SERVER_NOT_FOUND',
      'CELL_NOT_FOUND',
      'PROVISIONING_FAILED',
    ],
  })
  @Audited({ action: 'tenant.create', subject: (req) => ({ tenant: (req.body as { slug?: unknown })?.slug }) })
  async create(
    @Body(new ZodValidationPipe(createTenantBody, 'body')) body: z.infer<typeof createTenantBody>,
    @Req() request: AuthenticatedRequest,
    @Res({ passthrough: true }) response: Response,
  ): Promise<TenantView> {
    const { tenant, resumed } = await this.lifecycle.create(body, auditActor(request.user?.sub));
    response.status(resumed ? 200 : 201).location(`/v1/tenants/${tenant.id}`);
    return tenantView(tenant);
  }

  @Get()
  @ApiDoc({
    summary: 'Tenants, filtered by tier, status, server or text, sorted, a page at a time (cursor or offset)',
    response: tenantPage,
  })
  async list(@Query(new ZodValidationPipe(listTenantsQuery, 'query')) query: z.infer<typeof listTenantsQuery>) {
    const { cursor, ...filter } = query;
    const afterSlug = decodeSlugCursor(cursor);
    if (afterSlug !== undefined && (filter.sort !== 'slug' || filter.order !== 'asc' || filter.offset > 0))
      throw new DomainError('VALIDATION_FAILED', 'cursor pages the default order only: use offset with sort or order');
    const [rows, total] = await Promise.all([
      this.tenants.list({ ...filter, limit: filter.limit + 1, afterSlug }),
      this.tenants.count(filter),
    ]);
    const items = rows.slice(0, filter.limit);
    const last = items.at(-1);
    const keyset = filter.sort === 'slug' && filter.order === 'asc' && filter.offset === 0;
    const nextCursor =
      keyset && rows.length > filter.limit && last ? Buffer.from(last.slug).toString('base64url') : null;
    return { items: items.map(tenantView), nextCursor, total };
  }

  @Get(':ref')
  @ApiDoc({
    summary: 'One tenant by id or slug, with its placement',
    response: tenantResponse,
    errors: ['TENANT_NOT_FOUND'],
  })
  async get(@Param('ref', refPipe) ref: string): Promise<TenantView> {
    return tenantView(await this.tenants.get(ref));
  }

  @Patch(':ref')
  @ApiDoc({
    summary: 'Rename, suspend or resume a tenant',
    response: tenantResponse,
    errors: ['TENANT_NOT_FOUND', 'TENANT_NOT_ACTIVE'],
  })
  @Audited({
    action: (req) => tenantEditAction((req.body as { status?: unknown } | undefined) ?? {}),
    subject: (req) => ({ tenant: req.params.ref }),
  })
  async update(
    @Param('ref', refPipe) ref: string,
    @Body(new ZodValidationPipe(updateTenantBody, 'body')) body: z.infer<typeof updateTenantBody>,
    @Req() request: AuthenticatedRequest,
  ): Promise<TenantView> {
    return tenantView(await this.tenants.update(ref, body, auditActor(request.user?.sub)));
  }

  /** Offboards the tenant: its data is removed in its tier. */
  @Delete(':ref')
  @ApiDoc({
    summary: 'Offboard a tenant: its data is removed in its tier',
    errors: ['TENANT_NOT_FOUND', 'TENANT_MOVING'],
  })
  @Audited({ action: 'tenant.delete', subject: (req) => ({ tenant: req.params.ref }) })
  @HttpCode(204)
  async delete(@Param('ref', refPipe) ref: string, @Req() request: AuthenticatedRequest): Promise<void> {
    await this.lifecycle.delete(ref, auditActor(request.user?.sub));
  }
}
