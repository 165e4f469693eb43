import { type CallHandler, type ExecutionContext, Injectable, type NestInterceptor } from '@nestjs/common';
import { Observable } from 'rxjs';
import { TenantContext } from './tenant-context';

/** A request an authentication guard has already tied to a tenant. */
export interface TenantScopedRequest {
  tenantId?: string;
}

/**
 * Runs the handler inside the tenant scope of the request (set by the app's authentication guard).
 * Without a tenant the handler still runs, and any TenantDb call fails closed.
 */
@Injectable()
export class TenantContextInterceptor implements NestInterceptor {
  constructor(private readonly context: TenantContext) {}

  intercept(execution: ExecutionContext, next: CallHandler): Observable<unknown> {
    const tenantId = execution.switchToHttp().getRequest<TenantScopedRequest>().tenantId;
    if (!tenantId) return next.handle();
    return new Observable((subscriber) => this.context.run(tenantId, () => next.handle().subscribe(subscriber)));
  }
}
