import type { MoveRecord } from '@switchyard/control-plane';

/** What a move's cutover compared on both sides (stored by the move runner). */
interface MoveVerification {
  tables: { table: string; rows: number; checksum: string }[];
  rowsRecheckedBeforeFreeze: number;
  rowsRecheckedInFreeze: number;
}
import type { z } from 'zod';
import type { JsonOf, moveResponse } from '../control-plane.responses';

/** The control-plane API's shape of a move (GET /v1/moves). */
export function moveView(m: MoveRecord) {
  return {
    id: m.id,
    tenantId: m.tenantId,
    from: { tier: m.fromTier, server: m.fromServer, database: m.fromDatabase, schema: m.fromSchema },
    to: { tier: m.toTier, server: m.toServer, database: m.toDatabase, schema: m.toSchema },
    state: m.state,
    phase: m.state,
    rowsCopied: m.rowsCopied,
    rowsTotal: m.rowsTotal,
    freezeMs: m.freezeMs,
    cancelRequested: m.cancelRequested,
    requestedBy: m.requestedBy,
    startedAt: m.startedAt,
    finishedAt: m.finishedAt,
    error: m.error,
    verification: (m.verification ?? null) as MoveVerification | null,
  };
}

// The documented schema and the view must agree: this stops compiling when one changes alone.
export const moveViewMatchesSchema: (v: JsonOf<ReturnType<typeof moveView>>) => z.infer<typeof moveResponse> = (v) => v;
