import { type ExecutionContext, Injectable } from '@nestjs/common';
import { JwtAuthGuard, TokenVerifier } from '@switchyard/auth';
import { DomainError } from '@switchyard/errors';
import { isUuid } from '@switchyard/postgres';
import {
  PlacementCache,
  TenantContext,
  UsageMeter,
  type Placement,
  type TenantScopedRequest,
} from '@switchyard/tenancy';
import type { Response } from 'express';

/**
 * Verifies the token, then admits only a tenant that exists and is active (403 otherwise) — checked on
 * every request, from the placement cache — and ties the request's tenant scope to it. The answer is
 * counted in the tenant's usage.
 */
@Injectable()
export class TenantGuard extends JwtAuthGuard {
  constructor(
    tokens: TokenVerifier,
    private readonly placements: PlacementCache,
    private readonly context: TenantContext,
    private readonly usage: UsageMeter,
  ) {
    super(tokens);
  }

  override canActivate(context: ExecutionContext): boolean | Promise<boolean> {
    const { tid } = this.authenticate(context);
    if (!isUuid(tid)) throw new DomainError('UNAUTHENTICATED', 'Token has no valid tid claim');
    // A cached placement admits without a promise; only a miss waits for the control plane.
    const cached = this.placements.peek(tid);
    if (cached) return this.admit(context, tid, cached);
    return this.placements.get(tid).then((placement) => this.admit(context, tid, placement));
  }

  private admit(context: ExecutionContext, tid: string, placement: Placement): boolean {
    if (placement.status === 'suspended') throw new DomainError('TENANT_SUSPENDED', 'Tenant is suspended');
    if (placement.status !== 'active') throw new DomainError('TENANT_NOT_ACTIVE', 'Tenant is not active');
    this.context.enter(tid);
    const http = context.switchToHttp();
    http.getRequest<TenantScopedRequest>().tenantId = tid;
    const response = http.getResponse<Response>();
    response.once('finish', () => this.usage.request(tid, response.statusCode));
    return true;
  }
}
