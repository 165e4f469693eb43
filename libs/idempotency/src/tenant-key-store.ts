import { Injectable } from '@nestjs/common';
import { TenantContext, TenantDb } from '@switchyard/tenancy';
import { IdempotencyKeysRepository } from './idempotency-keys.repository';
import type { KeyStore } from './key-store';

/** The calling tenant's keys, in its own idempotency_keys table (each statement in its context). */
@Injectable()
export class TenantKeyStore implements KeyStore {
  constructor(
    private readonly tenantDb: TenantDb,
    private readonly context: TenantContext,
    private readonly keys: IdempotencyKeysRepository,
  ) {}

  claim(key: string, requestHash: string, expiredBefore: Date, staleBefore: Date): Promise<boolean> {
    return this.tenantDb.statement((tx) => this.keys.claim(tx, key, requestHash, expiredBefore, staleBefore));
  }

  find(key: string) {
    return this.tenantDb.statement((tx) => this.keys.find(tx, key));
  }

  complete(key: string, status: number, response: unknown, location?: string): Promise<void> {
    return this.tenantDb.statement((tx) => this.keys.complete(tx, key, status, response, location));
  }

  release(key: string): Promise<void> {
    return this.tenantDb.statement((tx) => this.keys.release(tx, key));
  }

  owner(): string {
    return `tenant:${this.context.tenantId() ?? ''}`;
  }

  purgeExpired(expiredBefore: Date): Promise<number> {
    return this.tenantDb.statement((tx) => this.keys.purgeExpired(tx, expiredBefore));
  }
}
