import type { Server } from 'node:http';
import type { INestApplication } from '@nestjs/common';

export interface ShutdownOptions {
  /** How long in-flight requests may take to finish once the listeners are closed. */
  graceMs: number;
  /** Runs after every app is closed (e.g. stopping an embedded PostgreSQL). */
  after?: () => Promise<void>;
  log?: (line: string) => void;
}

/**
 * Stops the process cleanly on SIGTERM or SIGINT, then exits 0: every app stops accepting connections
 * and its in-flight requests get `graceMs` to finish; then each app is closed once — its hooks stop
 * background work first (a running move is rolled back and handed back) and close its pools last — and
 * finally `after` runs. A second signal, or a shutdown that overruns by far, exits at once with 1.
 */
export function exitOnSignals(apps: () => INestApplication[], options: ShutdownOptions): void {
  const log = options.log ?? ((line: string) => process.stderr.write(`${line}\n`));
  let stopping = false;
  const stop = async (signal: NodeJS.Signals) => {
    if (stopping) {
      log(`${signal} again: exiting now`);
      process.exit(1);
    }
    stopping = true;
    setTimeout(() => {
      log('shutdown overran its grace period: exiting now');
      process.exit(1);
    }, options.graceMs * 3).unref();
    const running = apps();
    await Promise.all(running.map((app) => drainHttp(app.getHttpServer() as Server, options.graceMs)));
    for (const app of running)
      await app.close().catch((error: unknown) => log(`closing: ${error instanceof Error ? error.message : error}`));
    await options
      .after?.()
      .catch((error: unknown) => log(`after shutdown: ${error instanceof Error ? error.message : error}`));
    process.exit(0);
  };
  process.on('SIGTERM', (signal) => void stop(signal));
  process.on('SIGINT', (signal) => void stop(signal));
}

/** Stops accepting, lets requests in flight finish (idle keep-alive connections are closed), bounded. */
async function drainHttp(server: Server | undefined, graceMs: number): Promise<void> {
  if (!server?.listening) return;
  const closed = new Promise<void>((resolve) => server.close(() => resolve()));
  const idle = setInterval(() => server.closeIdleConnections(), 100);
  server.closeIdleConnections();
  let timer: NodeJS.Timeout | undefined;
  await Promise.race([closed, new Promise<void>((resolve) => (timer = setTimeout(resolve, graceMs)))]);
  clearInterval(idle);
  clearTimeout(timer);
  server.closeAllConnections();
}
