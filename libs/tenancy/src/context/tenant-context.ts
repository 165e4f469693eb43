import { AsyncLocalStorage } from 'node:async_hooks';
import { Injectable } from '@nestjs/common';

interface TenantScope {
  tenantId: string | undefined;
}

/** A request an authentication guard has already tied to a tenant. */
export interface TenantScopedRequest {
  tenantId?: string;
}

/**
 * The per-request tenant, carried by AsyncLocalStorage from the guard that verified the token down to
 * `TenantDb`, so no service or repository has a tenant parameter to forget or forge.
 *
 * An HTTP request gets an empty scope from `requestScope` (a middleware, so every later step of the
 * request runs inside it) and its guard fills it with `enter` once the token is verified. Anything that
 * reaches `TenantDb` before that, or without a guard, finds no tenant and fails closed.
 */
@Injectable()
export class TenantContext {
  private readonly storage = new AsyncLocalStorage<TenantScope>();

  /** Middleware that runs the rest of the request in an empty tenant scope. */
  readonly requestScope = (_request: unknown, _response: unknown, next: () => void): void => {
    this.storage.run({ tenantId: undefined }, next);
  };

  run<T>(tenantId: string, fn: () => T): T {
    return this.storage.run({ tenantId }, fn);
  }

  /** Ties the current request's scope to the tenant its guard verified; a scope holds one tenant. */
  enter(tenantId: string): void {
    const scope = this.storage.getStore();
    if (scope === undefined) throw new Error('No tenant scope is open: TenantContext.requestScope must run first');
    if (scope.tenantId !== undefined && scope.tenantId !== tenantId)
      throw new Error('This scope already belongs to another tenant');
    scope.tenantId = tenantId;
  }

  /** The current tenant, or undefined outside a tenant scope. */
  tenantId(): string | undefined {
    return this.storage.getStore()?.tenantId;
  }
}
