import { EventEmitter } from 'node:events';
import type { SwitchyardConfig } from '@switchyard/config';
import {
  controlPlaneUrl,
  PlacementInvalidations,
  PRIMARY_SERVER,
  type ServerDirectory,
} from '@switchyard/control-plane';
import { withOwnerClient } from '@switchyard/postgres';
import { quantile } from '../measure';

export interface InvalidationLatency {
  medianMs: number;
  p99Ms: number;
  changes: number;
}

/**
 * How soon another process hears of a placement or status change: from sending an UPDATE to the
 * control plane (its commit included) to the listener's callback, through LISTEN/NOTIFY exactly as an API process receives it
 * (its own bus, so nothing travels in process). One change at a time.
 */
export async function measureInvalidation(
  config: SwitchyardConfig,
  servers: ServerDirectory,
  tenantId: string,
  changes = 300,
): Promise<InvalidationLatency> {
  const listener = new PlacementInvalidations(
    { listenUrl: servers.directAppUrl(PRIMARY_SERVER, config.names.controlDatabase) },
    new EventEmitter(),
  );
  let heard: (() => void) | undefined;
  listener.subscribe({ tenant: (id) => id === tenantId && heard?.(), all: () => undefined });
  await listener.ready();
  const samples: number[] = [];
  try {
    await withOwnerClient(controlPlaneUrl(config), async (client) => {
      for (let i = 0; i < changes; i++) {
        const delivered = new Promise<bigint>((resolve) => (heard = () => resolve(process.hrtime.bigint())));
        // From sending the change (its commit comes within its own round trip) to the listener's callback.
        const sent = process.hrtime.bigint();
        await client.query('UPDATE tenants SET updated_at = now() WHERE id = $1', [tenantId]);
        samples.push(Number((await delivered) - sent) / 1e6);
      }
    });
  } finally {
    await listener.onApplicationShutdown();
  }
  return { medianMs: quantile(samples, 0.5), p99Ms: quantile(samples, 0.99), changes };
}
