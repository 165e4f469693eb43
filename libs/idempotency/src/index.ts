export { IdempotencyModule, TenantIdempotencyModule } from './idempotency.module';
export { IdempotencyService } from './idempotency.service';
export type { IdempotencyDecision } from './idempotency.service';
export { IDEMPOTENCY_KEY_DOC, IdempotencyInterceptor } from './idempotency.interceptor';
export { KEY_STORE_FOR_REQUEST } from './key-store';
export type { KeyStore, KeyStoreForRequest, StoredKey } from './key-store';
export { TenantKeyStore } from './tenant-key-store';
export { opsKeyStore } from './ops-key-store';
export { idempotencyKeys } from './idempotency-keys.schema';
