import { AsyncLocalStorage } from 'node:async_hooks';
import { Injectable } from '@nestjs/common';

interface TenantScope {
  readonly tenantId: string;
}

/**
 * The per-request tenant, carried by AsyncLocalStorage from the guard that verified the token down to
 * `TenantDb`, so no service or repository has a tenant parameter to forget or forge.
 */
@Injectable()
export class TenantContext {
  private readonly storage = new AsyncLocalStorage<TenantScope>();

  run<T>(tenantId: string, fn: () => T): T {
    return this.storage.run({ tenantId }, fn);
  }

  /** The current tenant, or undefined outside a tenant scope. */
  tenantId(): string | undefined {
    return this.storage.getStore()?.tenantId;
  }
}
