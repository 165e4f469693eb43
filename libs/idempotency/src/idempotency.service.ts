import { Injectable, Logger } from '@nestjs/common';
import { bestEffort } from '@switchyard/postgres';
import { LRUCache } from 'lru-cache';
import { SwitchyardConfig } from '@switchyard/config';
import { DomainError } from '@switchyard/errors';
import type { KeyStore } from './key-store';

/** A request still running after this long was abandoned (its process died): its key may be taken over. */
const IN_PROGRESS_STALE_MS = 60_000;
/** Expired keys are deleted by their owner's next POST, at most this often per owner and process. */
const PURGE_INTERVAL_MS = 60 * 60_000;

export type IdempotencyDecision =
  { run: true } | { run: false; status: number; response: unknown; location: string | null };

/**
 * Safe retries for one caller's keys: the first request with a key runs and its response is kept; the
 * same key with the same request replays that response; with another request it is refused
 * (IDEMPOTENCY_KEY_REUSED), and while the first still runs a retry is told to wait
 * (IDEMPOTENCY_KEY_IN_USE). Keys expire after IDEMPOTENCY_RETENTION_H: an expired key is taken as new,
 * and expired keys are deleted by the owner's next keyed POST (at most hourly per process), so a
 * caller keeps at most one retention's worth of keys. A failed purge is logged and changes nothing.
 */
@Injectable()
export class IdempotencyService {
  private readonly logger = new Logger(IdempotencyService.name);
  private readonly lastPurge = new LRUCache<string, number>({ max: 100_000 });

  constructor(private readonly config: SwitchyardConfig) {}

  async begin(store: KeyStore, key: string, requestHash: string): Promise<IdempotencyDecision> {
    const now = Date.now();
    const expiredBefore = new Date(now - this.config.idempotencyRetentionMs);
    const staleBefore = new Date(now - IN_PROGRESS_STALE_MS);
    await this.purgeNowAndThen(store, expiredBefore, now);
    if (await store.claim(key, requestHash, expiredBefore, staleBefore)) return { run: true };
    const stored = await store.find(key);
    if (!stored) throw inUse(); // released between the two statements: the client retries
    if (stored.requestHash !== requestHash)
      throw new DomainError(
        'IDEMPOTENCY_KEY_REUSED',
        'This Idempotency-Key was used for a different request; use a new key for a new request',
      );
    if (stored.status === null) throw inUse();
    return { run: false, status: stored.status, response: stored.response, location: stored.location };
  }

  private async purgeNowAndThen(store: KeyStore, expiredBefore: Date, now: number): Promise<void> {
    const owner = store.owner();
    if (now - (this.lastPurge.get(owner) ?? 0) < PURGE_INTERVAL_MS) return;
    this.lastPurge.set(owner, now);
    await bestEffort(this.logger, 'deleting expired idempotency keys', () => store.purgeExpired(expiredBefore));
  }
}

function inUse(): DomainError {
  return new DomainError('IDEMPOTENCY_KEY_IN_USE', 'A request with this Idempotency-Key is still running', {
    retryAfterSeconds: 1,
  });
}
