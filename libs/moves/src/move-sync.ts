import type { MoveRecord } from '@switchyard/control-plane';
import { DomainError } from '@switchyard/errors';
import { inTransaction, quoteIdent } from '@switchyard/postgres';
import type { Client } from 'pg';
import { applyChanges } from './change-applier';
import { readChanges, type CapturedChange } from './capture.sql';
import {
  describeMismatch,
  describeRowMismatch,
  digestTenant,
  rowDigests,
  rowDigestsInTransaction,
  type TableDigest,
} from './move-verifier';

/*
 * Keeping the target in step with the source during a move, and proving it: applying the captured
 * changes (in batches, each taken off the queue once applied) and verifying the two sides — in full at
 * one snapshot, then row by row for the rows changes touched since. Each function takes the move's
 * source and target connections, which the runner owns.
 */

/** A move's two ends, open, and the tenant tables it carries (parents first). */
export interface MoveSides {
  move: MoveRecord;
  source: Client;
  target: Client;
  tables: readonly string[];
}

const BATCH = 2_000;
/** Everything queued, in one read: the verifications need the whole queue at their snapshot. */
const WHOLE_QUEUE = 1_000_000;

/** Takes exactly these changes off the source queue. */
export async function dequeue({ move, source }: MoveSides, changes: CapturedChange[]): Promise<void> {
  if (!changes.length) return;
  // Not a high-water mark: a change with a lower seq that commits late stays queued for the next read.
  await source.query(
    `DELETE FROM ${quoteIdent(move.fromSchema)}.switchyard_move_changes WHERE move_id = $1 AND seq = ANY($2::bigint[])`,
    [move.id, changes.map((c) => c.seq)],
  );
}

/** Applies everything queued now; returns what was applied (its rows are what the cutover re-checks). */
export async function applyPending(sides: MoveSides): Promise<CapturedChange[]> {
  const { move, source, target, tables } = sides;
  const applied: CapturedChange[] = [];
  for (;;) {
    const changes = await readChanges(source, move.fromSchema, move.id, '0', BATCH);
    if (!changes.length) return applied;
    await inTransaction(target, () => applyChanges(target, move.toSchema, tables, changes));
    await dequeue(sides, changes);
    applied.push(...changes);
    if (changes.length < BATCH) return applied;
  }
}

/**
 * Row counts and a checksum per table on both sides at one point: in a source snapshot, read the
 * queued changes and digest the source; apply exactly those changes (only the move writes the target),
 * then digest the target. A mismatch aborts the move, which is rolled back.
 */
/** Returns what was compared: each table's rows and checksum, alike on both sides. */
export async function verifyAtSnapshot(sides: MoveSides): Promise<TableDigest[]> {
  const { move, source, target, tables } = sides;
  const { changes, digests } = await inTransaction(
    source,
    async () => {
      const queued = await readChanges(source, move.fromSchema, move.id, '0', WHOLE_QUEUE);
      // Both sides at once: the source digest in its snapshot, the target's once those changes are in.
      const both = await Promise.all([
        digestTenant(source, move.fromSchema, tables, move.tenantId),
        (async () => {
          await inTransaction(target, () => applyChanges(target, move.toSchema, tables, queued));
          return inTransaction(target, () => digestTenant(target, move.toSchema, tables, move.tenantId));
        })(),
      ]);
      return { changes: queued, digests: both };
    },
    { isolation: 'repeatable read' },
  );
  await dequeue(sides, changes);
  const mismatch = describeMismatch(digests[0], digests[1]);
  if (mismatch) throw new DomainError('MIGRATION_FAILED', `verification failed: ${mismatch}`);
  return digests[0];
}

/**
 * Extends the last verification to a new snapshot. `touched` are the changes applied since that
 * verification; in a source snapshot, read what is still queued and digest every row either set
 * touches; apply the queued changes at the target and digest the same rows there. Every change
 * committed between the two snapshots is in one of the sets, and rows no change touched were equal
 * before and are unchanged since, so equal digests here mean the two sides are equal at this snapshot.
 */
export async function verifyRowsAtSnapshot(sides: MoveSides, touched: CapturedChange[]): Promise<void> {
  const { move, source, target, tables } = sides;
  const { queued, digests } = await inTransaction(
    source,
    async () => {
      const pending = await readChanges(source, move.fromSchema, move.id, '0', WHOLE_QUEUE);
      const rows = [...touched, ...pending];
      // Both sides at once: the source in its snapshot, the target once the queued changes are in.
      const both = await Promise.all([
        rowDigestsInTransaction(source, move.fromSchema, tables, move.tenantId, rows),
        (async () => {
          await inTransaction(target, () => applyChanges(target, move.toSchema, tables, pending));
          return rowDigests(target, move.toSchema, tables, move.tenantId, rows);
        })(),
      ]);
      return { queued: pending, digests: both };
    },
    { isolation: 'repeatable read' },
  );
  await dequeue(sides, queued);
  const mismatch = describeRowMismatch(digests[0], digests[1]);
  if (mismatch) throw new DomainError('MIGRATION_FAILED', `verification failed: ${mismatch}`);
}

/** Inside the freeze: the rows the last changes touched, compared one by one (see rowDigests). */
export async function verifyDelta({ move, source, target, tables }: MoveSides, last: CapturedChange[]): Promise<void> {
  const [sourceRows, targetRows] = await Promise.all([
    rowDigests(source, move.fromSchema, tables, move.tenantId, last),
    rowDigests(target, move.toSchema, tables, move.tenantId, last),
  ]);
  const mismatch = describeRowMismatch(sourceRows, targetRows);
  if (mismatch) throw new DomainError('MIGRATION_FAILED', `verification failed: ${mismatch}`);
}
