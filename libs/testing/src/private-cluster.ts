import { startEmbeddedPostgres, type RunningEmbeddedPostgres } from '@switchyard/embedded';
import { testEnvironment } from './test-environment';
import { freePort, removeStaleClusters, runDirectory } from './test-server';

/** A PostgreSQL server a test may stop and start at will (the shared test servers must stay up). */
export interface PrivateCluster {
  /** Superuser URL of its `postgres` database. */
  url: string;
  port: number;
  stop(): Promise<void>;
  /** Starts it again on the same port and data; resolves once it accepts connections. */
  start(): Promise<void>;
  /** Stops it and removes its data. */
  dispose(): Promise<void>;
}

/**
 * Starts an embedded cluster of this test process alone (`name` tells its folder apart), with `settings`
 * over the defaults.
 */
export async function startPrivateCluster(
  name: string,
  settings: Record<string, string> = {},
): Promise<PrivateCluster> {
  const dataDir = runDirectory(testEnvironment().embedded.dataDir, process.pid, `-${name}`);
  const port = await freePort();
  let running: RunningEmbeddedPostgres | undefined = await startEmbeddedPostgres({ dataDir, port, settings });
  const url = running.url;
  return {
    url,
    port,
    stop: async () => {
      await running?.stop();
      running = undefined;
    },
    start: async () => {
      running = await startEmbeddedPostgres({ dataDir, port, settings });
    },
    dispose: async () => {
      await running?.stop();
      running = undefined;
      await removeStaleClusters(dataDir, { includeLive: true });
    },
  };
}
