import { Injectable } from '@nestjs/common';
import type { TenantTx } from '@switchyard/tenancy';
import { and, eq, isNull, lt, or, sql } from 'drizzle-orm';
import { idempotencyKeys } from './idempotency-keys.schema';

export interface StoredKey {
  requestHash: string;
  status: number | null;
  response: unknown;
  location: string | null;
  createdAt: Date;
}

/** All SQL on idempotency_keys; every statement runs in the calling tenant's context (RLS). */
@Injectable()
export class IdempotencyKeysRepository {
  /**
   * Takes `key` for a new request: a new row, or one whose time is up (past the retention, or left
   * running by a process that died). True when this request now owns the key.
   */
  async claim(tx: TenantTx, key: string, requestHash: string, expiredBefore: Date, staleBefore: Date) {
    const rows = await tx.db
      .insert(idempotencyKeys)
      .values({ tenantId: tx.tenantId, key, requestHash })
      .onConflictDoUpdate({
        target: [idempotencyKeys.tenantId, idempotencyKeys.key],
        set: { requestHash, status: null, response: null, location: null, createdAt: sql`now()` },
        setWhere: or(
          lt(idempotencyKeys.createdAt, expiredBefore),
          and(isNull(idempotencyKeys.status), lt(idempotencyKeys.createdAt, staleBefore)),
        ),
      })
      .returning({ key: idempotencyKeys.key });
    return rows.length === 1;
  }

  async find(tx: TenantTx, key: string): Promise<StoredKey | undefined> {
    const [row] = await tx.db
      .select({
        requestHash: idempotencyKeys.requestHash,
        status: idempotencyKeys.status,
        response: idempotencyKeys.response,
        location: idempotencyKeys.location,
        createdAt: idempotencyKeys.createdAt,
      })
      .from(idempotencyKeys)
      .where(and(eq(idempotencyKeys.tenantId, tx.tenantId), eq(idempotencyKeys.key, key)));
    return row;
  }

  async complete(tx: TenantTx, key: string, status: number, response: unknown, location?: string): Promise<void> {
    await tx.db
      .update(idempotencyKeys)
      .set({ status, response: response ?? null, location: location ?? null })
      .where(and(eq(idempotencyKeys.tenantId, tx.tenantId), eq(idempotencyKeys.key, key)));
  }

  /** Gives a key back when its request failed: a retry runs afresh. */
  async release(tx: TenantTx, key: string): Promise<void> {
    await tx.db
      .delete(idempotencyKeys)
      .where(
        and(eq(idempotencyKeys.tenantId, tx.tenantId), eq(idempotencyKeys.key, key), isNull(idempotencyKeys.status)),
      );
  }

  /** Deletes the tenant's keys created before `expiredBefore`; returns how many. */
  async purgeExpired(tx: TenantTx, expiredBefore: Date): Promise<number> {
    const rows = await tx.db
      .delete(idempotencyKeys)
      .where(and(eq(idempotencyKeys.tenantId, tx.tenantId), lt(idempotencyKeys.createdAt, expiredBefore)))
      .returning({ key: idempotencyKeys.key });
    return rows.length;
  }
}
