import { MovesRepository, TERMINAL_MOVE_STATES, type MoveRecord, type MoveState } from '@switchyard/control-plane';
import type { Harness } from './harness';
import { waitFor } from './wait';

/** done, failed or cancelled: the move will not change any more. */
export const moveEnded = (move: MoveRecord) => TERMINAL_MOVE_STATES.includes(move.state);

/**
 * Waits until move `id` is in `state` (or, with 'ended', has ended) and returns its record; fails on
 * timeout with the last record seen. A move that ends in another state fails the wait at once: it can
 * never reach `state` after that.
 */
export async function waitForMove(
  h: Harness,
  id: string,
  state: MoveState | 'ended',
  timeout = 30_000,
): Promise<MoveRecord> {
  const moves = h.controlPlane.get(MovesRepository);
  const reached = (m: MoveRecord) => (state === 'ended' ? moveEnded(m) : m.state === state);
  const move = await waitFor(
    () => moves.findById(id),
    (m) => m !== undefined && (reached(m) || moveEnded(m)),
    { what: `move ${id} to be ${state}`, timeout },
  );
  if (!move || !reached(move)) throw new Error(`move ${id} ended ${move?.state} while waiting for ${state}`);
  return move;
}
