import { Module } from '@nestjs/common';
import { TenancyModule } from '@switchyard/tenancy';
import { IdempotencyKeysRepository } from './idempotency-keys.repository';
import { IdempotencyService } from './idempotency.service';

/** Needs SwitchyardConfigModule (global) from the importing app. */
@Module({
  imports: [TenancyModule],
  providers: [IdempotencyKeysRepository, IdempotencyService],
  exports: [IdempotencyService],
})
export class IdempotencyModule {}
