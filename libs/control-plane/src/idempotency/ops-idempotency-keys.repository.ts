import { Injectable } from '@nestjs/common';
import { and, eq, isNull, lt, or, sql } from 'drizzle-orm';
import { ControlPlaneDatabase } from '../control-plane-database';
import { opsIdempotencyKeys } from '../schema/control-plane.schema';

export interface StoredIdempotencyKey {
  requestHash: string;
  status: number | null;
  response: unknown;
  location: string | null;
}

/** All SQL on ops_idempotency_keys: each operator's keys, apart from every other operator's. */
@Injectable()
export class OpsIdempotencyKeysRepository {
  constructor(private readonly database: ControlPlaneDatabase) {}

  /** Takes `key` for a new request (a new row, or one past its time); true when this request owns it. */
  async claim(actor: string, key: string, requestHash: string, expiredBefore: Date, staleBefore: Date) {
    const rows = await this.database.db
      .insert(opsIdempotencyKeys)
      .values({ actor, key, requestHash })
      .onConflictDoUpdate({
        target: [opsIdempotencyKeys.actor, opsIdempotencyKeys.key],
        set: { requestHash, status: null, response: null, location: null, createdAt: sql`now()` },
        setWhere: or(
          lt(opsIdempotencyKeys.createdAt, expiredBefore),
          and(isNull(opsIdempotencyKeys.status), lt(opsIdempotencyKeys.createdAt, staleBefore)),
        ),
      })
      .returning({ key: opsIdempotencyKeys.key });
    return rows.length === 1;
  }

  async find(actor: string, key: string): Promise<StoredIdempotencyKey | undefined> {
    const [row] = await this.database.db
      .select({
        requestHash: opsIdempotencyKeys.requestHash,
        status: opsIdempotencyKeys.status,
        response: opsIdempotencyKeys.response,
        location: opsIdempotencyKeys.location,
      })
      .from(opsIdempotencyKeys)
      .where(and(eq(opsIdempotencyKeys.actor, actor), eq(opsIdempotencyKeys.key, key)));
    return row;
  }

  async complete(actor: string, key: string, status: number, response: unknown, location?: string): Promise<void> {
    await this.database.db
      .update(opsIdempotencyKeys)
      .set({ status, response: response ?? null, location: location ?? null })
      .where(and(eq(opsIdempotencyKeys.actor, actor), eq(opsIdempotencyKeys.key, key)));
  }

  async release(actor: string, key: string): Promise<void> {
    await this.database.db
      .delete(opsIdempotencyKeys)
      .where(
        and(eq(opsIdempotencyKeys.actor, actor), eq(opsIdempotencyKeys.key, key), isNull(opsIdempotencyKeys.status)),
      );
  }

  /** Deletes every operator's keys created before `expiredBefore`; returns how many. */
  async purgeExpired(expiredBefore: Date): Promise<number> {
    const rows = await this.database.db
      .delete(opsIdempotencyKeys)
      .where(lt(opsIdempotencyKeys.createdAt, expiredBefore))
      .returning({ key: opsIdempotencyKeys.key });
    return rows.length;
  }
}
