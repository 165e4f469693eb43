import { Module } from '@nestjs/common';
import { TenancyModule } from '@switchyard/tenancy';
import { IdempotencyKeysRepository } from './idempotency-keys.repository';
import { IdempotencyService } from './idempotency.service';
import { TenantKeyStore } from './tenant-key-store';

/**
 * The service and the interceptor; the importing app provides KEY_STORE_FOR_REQUEST (a tenant's own
 * table on the tenant API, the operator's keys on the control plane) and SwitchyardConfigModule.
 */
@Module({
  providers: [IdempotencyService],
  exports: [IdempotencyService],
})
export class IdempotencyModule {}

/** What the tenant API adds: keys in each tenant's own table, in its context. */
@Module({
  imports: [TenancyModule],
  providers: [IdempotencyKeysRepository, TenantKeyStore],
  exports: [TenantKeyStore],
})
export class TenantIdempotencyModule {}
