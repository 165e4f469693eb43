import { inspect } from 'node:util';

export interface WaitOptions {
  /** What is awaited, for the failure message: "move 1234 to end". */
  what: string;
  /** How long to wait before failing; 30 s unless given (keep it under the test's own timeout). */
  timeout?: number;
  /** Pause between two looks; 50 ms unless given. */
  interval?: number;
}

/**
 * Calls `fn` until `predicate` accepts what it returns, and returns that value. FAILS once `timeout` has
 * passed, naming `what` and the last value seen — a wait never quietly hands back a value that does not
 * satisfy it. An error thrown by `fn` fails the wait at once: polling is for conditions not true yet, not
 * for hiding errors.
 */
export async function waitFor<T>(
  fn: () => T | Promise<T>,
  predicate: (value: T) => boolean,
  options: WaitOptions,
): Promise<T> {
  const { what, timeout = 30_000, interval = 50 } = options;
  const deadline = Date.now() + timeout;
  for (;;) {
    const value = await fn();
    if (predicate(value)) return value;
    if (Date.now() >= deadline) {
      const last = inspect(value, { depth: 3, breakLength: 120 });
      throw new Error(`timed out after ${timeout} ms waiting for ${what}; last seen: ${last}`);
    }
    await new Promise((resolve) => setTimeout(resolve, interval));
  }
}
