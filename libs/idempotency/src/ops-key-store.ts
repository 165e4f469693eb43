import type { OpsIdempotencyKeysRepository } from '@switchyard/control-plane';
import type { KeyStore } from './key-store';

/** One operator's keys (by the verified token's subject), in the control plane. */
export function opsKeyStore(keys: OpsIdempotencyKeysRepository, actor: string): KeyStore {
  return {
    claim: (key, requestHash, expiredBefore, staleBefore) =>
      keys.claim(actor, key, requestHash, expiredBefore, staleBefore),
    find: (key) => keys.find(actor, key),
    complete: (key, status, response, location) => keys.complete(actor, key, status, response, location),
    release: (key) => keys.release(actor, key),
    // One table for every operator: whoever posts purges everyone's expired keys.
    owner: () => 'operators',
    purgeExpired: (expiredBefore) => keys.purgeExpired(expiredBefore),
  };
}
