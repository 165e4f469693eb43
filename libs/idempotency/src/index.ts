export { IdempotencyModule } from './idempotency.module';
export { IdempotencyService } from './idempotency.service';
export type { IdempotencyDecision } from './idempotency.service';
export { idempotencyKeys } from './idempotency-keys.schema';
