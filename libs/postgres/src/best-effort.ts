import type { Logger } from '@nestjs/common';

/**
 * Runs work whose failure must not fail its caller — cleanup after an error, a progress report — and
 * says so in the log instead of swallowing the error: `what` names the work in the warning.
 */
export async function bestEffort<T>(
  logger: Pick<Logger, 'warn'>,
  what: string,
  fn: () => Promise<T>,
): Promise<T | undefined> {
  try {
    return await fn();
  } catch (error) {
    logger.warn(`${what} failed: ${error instanceof Error ? error.message : String(error)}`);
    return undefined;
  }
}
