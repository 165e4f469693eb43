import { DomainError } from '@switchyard/errors';

/**
 * What a conditional change expects of the current row (an HTTP If-Match, say): checked on the row
 * locked in the change's own transaction, so nothing can change it between the check and the write.
 */
export type Precondition<T> = (current: T) => boolean;

/** The row is absent or not as expected: a conditional change does not happen. */
export function assertPrecondition<T>(current: T | undefined, precondition: Precondition<T>, what: string): void {
  if (current === undefined || !precondition(current))
    throw new DomainError(
      'PRECONDITION_FAILED',
      `The ${what} is not as expected: it changed or is gone; read it again`,
    );
}
