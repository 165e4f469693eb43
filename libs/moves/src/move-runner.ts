import { randomUUID } from 'node:crypto';
import { Injectable, Logger } from '@nestjs/common';
import { SwitchyardConfig } from '@switchyard/config';
import {
  MovesRepository,
  PlacementInvalidations,
  TenantsRepository,
  type MoveRecord,
  type TenantRecord,
} from '@switchyard/control-plane';
import { DomainError } from '@switchyard/errors';
import { bestEffort, inTransaction, lowerReadFence, platformFailureOf } from '@switchyard/postgres';
import { drainWriters, installCapture, installFence, removeWriteFence, type CapturedChange } from './capture.sql';
import { MoveCleanup } from './move-cleanup';
import { analyzeTables, copyTenantRows, countTenantRows } from './move-copier';
import { MoveEndpoints } from './move-endpoints';
import { toOf } from './move-location';
import { MoveStorage } from './move-storage';
import { applyPending, verifyAtSnapshot, verifyDelta, verifyRowsAtSnapshot, type MoveSides } from './move-sync';
import type { TableDigest } from './move-verifier';

/** Catch-up rounds end when a round finds fewer changes than this: the cutover then has little to do. */
const QUIET_ENOUGH = 200;
const MAX_CATCH_UP_ROUNDS = 50;
/** After an abort, the work has this long to unwind before its claim is let go (its heartbeat stops). */
const UNWIND_MS = 30_000;
/** A move that meets contention (deadlock, lock or connection not had in time) runs at most this often. */
const CONTENTION_ATTEMPTS = 3;
const CONTENTION_BACKOFF_MS = 500;

class MoveCancelled extends Error {}
/** Another worker took the move over (this one stalled past MOVE_STALE_MS): hands off, it is theirs. */
class ClaimLost extends Error {}

/** Why a running move is stopped: an operator's cancel, this process shutting down, or the claim lost. */
type StopReason = 'cancel' | 'shutdown' | 'lost';

export interface MoveProgress {
  state: MoveRecord['state'];
  rowsCopied: number;
  rowsTotal: number;
}

/** One run of a move: the move, the tenant tables it carries, how to stop it and whom to tell. */
interface MoveJob {
  move: MoveRecord;
  tables: readonly string[];
  signal: AbortSignal;
  report: (progress: MoveProgress) => void;
}

/**
 * Carries out a move: copy (COPY from a snapshot, bounded memory) while triggers capture the tenant's
 * writes, catch up, then a short cutover — freeze, fence the source, wait for in-flight writers, apply
 * the last changes, verify, flip the placement (version + 1) — and clean up. Any failure or cancel
 * before the flip rolls back completely: the tenant stays where it was and the partial copy is removed.
 * A move whose worker died is taken over and restarted from a clean slate.
 */
@Injectable()
export class MoveRunner {
  private readonly logger = new Logger(MoveRunner.name);
  readonly worker = `${process.pid}-${randomUUID().slice(0, 8)}`;
  /** Moves executing in this process, and how to stop each. */
  private readonly running = new Map<string, { abort: AbortController; done: Promise<unknown> }>();

  constructor(
    private readonly config: SwitchyardConfig,
    private readonly moves: MovesRepository,
    private readonly tenants: TenantsRepository,
    private readonly invalidations: PlacementInvalidations,
    private readonly endpoints: MoveEndpoints,
    private readonly storage: MoveStorage,
    private readonly cleanup: MoveCleanup,
  ) {}

  /** Runs (or resumes) a move to its end; returns its final record. Another live worker's move is left alone. */
  async execute(id: string, onProgress: (p: MoveProgress) => void = () => undefined): Promise<MoveRecord> {
    const move = await this.moves.claim(id, this.worker, this.config.moves.staleMs);
    if (!move) return this.record(id);
    const abort = new AbortController();
    const beat = this.heartbeat(id, abort);
    const done = this.drive(move, abort.signal, onProgress);
    this.running.set(id, { abort, done: done.catch(() => undefined) }); // its errors reach execute's caller
    try {
      await done;
    } finally {
      clearInterval(beat);
      this.running.delete(id);
    }
    return this.record(id);
  }

  /**
   * Shutting down: moves not yet flipped are rolled back and handed back (pending, unclaimed) for
   * another worker — or this one after a restart — to run again; waits up to `timeoutMs` for that.
   * A move already past its flip is left to finish its cleanup, or to be resumed by the next worker.
   */
  async stopAll(timeoutMs: number): Promise<void> {
    const running = [...this.running.values()];
    for (const { abort } of running) abort.abort('shutdown' satisfies StopReason);
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([
      Promise.all(running.map((r) => r.done)),
      new Promise((resolve) => (timer = setTimeout(resolve, timeoutMs))),
    ]);
    clearTimeout(timer);
  }

  /** Removes a finished move's old data whose retention has passed (the worker's periodic cleanup). */
  removeSource(move: MoveRecord): Promise<void> {
    return this.cleanup.removeSource(move);
  }

  private async drive(move: MoveRecord, signal: AbortSignal, report: (p: MoveProgress) => void): Promise<void> {
    const tenant = await this.tenants.findById(move.tenantId);
    if (!tenant) {
      return this.moves.finish(move.id, { state: 'failed', error: 'tenant no longer exists', finishedAt: new Date() });
    }

    // Past the flip, only the cleanup is left; an attempt that died before it is undone first.
    if (move.state === 'cleaning_up' || tenant.version > move.fromVersion)
      return this.cleanup.finish(move, this.worker);
    if (move.state !== 'pending') {
      this.logger.warn(`move ${move.id} was interrupted in ${move.state}: rolling back, then starting again`);
      await this.cleanup.rollback(move);
    }

    const job: MoveJob = { move, signal, report, tables: await this.endpoints.tenantTables(move) };
    for (let attempt = 1; ; attempt++) {
      try {
        await this.prepare(job, tenant);
        await this.copy(job);
        await this.catchUp(job);
        await this.cutover(job);
        break;
      } catch (error) {
        if (!(await this.worthRetrying(job, error, attempt))) return this.stop(job, error);
        // Contention with other moves or writers on shared tables (a deadlock, a lock or a connection not
        // had in time) says nothing about the move: undone, it is simply run again.
        this.logger.warn(`move ${move.id}: ${messageOf(error)}; rolling back to run it again (${attempt})`);
        await this.cleanup.rollback(move);
        await new Promise((resolve) => setTimeout(resolve, CONTENTION_BACKOFF_MS * attempt));
      }
    }

    report({ state: 'cleaning_up', rowsCopied: (await this.record(move.id)).rowsCopied, rowsTotal: 0 });
    await this.cleanup.finish(move, this.worker);
  }

  /** The target made ready and empty, the source capturing the tenant's writes from now on. */
  private async prepare(job: MoveJob, tenant: TenantRecord): Promise<void> {
    const { move, tables } = job;
    await this.enter(job, 'copying', { rowsCopied: 0, error: null });
    await this.claimed(this.tenants.setPlacementState(tenant.id, 'moving', this.claimOf(move)));
    await this.invalidations.publish(tenant.id);
    await this.storage.prepare(tenant, toOf(move));
    await this.storage.deleteRows(tenant.id, toOf(move)); // a copy left by an earlier attempt

    // Only the write fence: the read fence of a location the tenant comes back to stays until the flip.
    await this.endpoints.onTarget(move, (c) => removeWriteFence(c, move.toSchema, tables, tenant.id));
    await this.endpoints.onSource(move, (c) =>
      this.endpoints.sourceTriggerDdl(c, move.fromSchema, () =>
        installCapture(c, move.fromSchema, tables, tenant.id, move.id),
      ),
    );
  }

  /** COPY from one REPEATABLE READ snapshot at the source into one transaction at the target. */
  private async copy(job: MoveJob): Promise<void> {
    const { move, tables, signal, report } = job;
    await this.checkCancel(job);
    await this.endpoints.onSource(move, (source) =>
      inTransaction(
        source,
        async () => {
          const rowsTotal = await countTenantRows(source, move.fromSchema, tables, move.tenantId);
          await this.moves.update(move.id, { rowsTotal });
          const progress = this.progressReporter(move, rowsTotal, report);
          await this.endpoints.onTarget(move, async (target) => {
            // A stopped copy closes both connections at once (see abortCopy); so does a failed one.
            const stop = () => void this.endpoints.abortCopy(move, source, target);
            signal.addEventListener('abort', stop, { once: true });
            if (signal.aborted) stop();
            try {
              const copied = await inTransaction(target, async () => {
                try {
                  const [from, to] = [{ schema: move.fromSchema }, { schema: move.toSchema }];
                  return await copyTenantRows(source, target, from, to, tables, move.tenantId, progress.onRows);
                } catch (error) {
                  // Before any ROLLBACK: a COPY left half-way would hold both connections forever.
                  await this.endpoints.abortCopy(move, source, target);
                  throw error;
                }
              });
              await progress.saved();
              await this.moves.update(move.id, { rowsCopied: copied });
            } finally {
              signal.removeEventListener('abort', stop);
            }
            await analyzeTables(target, move.toSchema, tables);
          });
        },
        { isolation: 'repeatable read', readOnly: true },
      ),
    );
  }

  /** Applies the writes captured during the copy, in rounds, until a round finds little left. */
  private async catchUp(job: MoveJob): Promise<void> {
    await this.checkCancel(job);
    await this.enter(job, 'catching_up');
    await this.withSides(job, async (sides) => {
      for (let round = 0; round < MAX_CATCH_UP_ROUNDS; round++) {
        await this.checkCancel(job);
        if ((await applyPending(sides)).length < QUIET_ENOUGH) return;
      }
    });
  }

  /**
   * The full verification happens before the freeze, at one consistent point (a snapshot); rows written
   * since are verified at newer snapshots while that converges. Inside the freeze only the rows touched
   * since the last verified snapshot are compared, so the freeze stays short however busy the tenant is.
   */
  private async cutover(job: MoveJob): Promise<void> {
    await this.enter(job, 'cutover');
    await this.withSides(job, async (sides) => {
      const tables = await verifyAtSnapshot(sides);
      const { unverified, rechecked } = await this.verifyWhileConverging(job, sides);
      await this.freezeAndFlip(job, sides, unverified, { tables, rowsRecheckedBeforeFreeze: rechecked });
    });
  }

  /**
   * Writes keep coming after the full verification: they are applied in cheap batches until the queue is
   * quiet, then every row they touched is verified at a new snapshot, each round smaller than the last.
   * Returns the changes applied since the last verified snapshot, and how many were verified before it.
   */
  private async verifyWhileConverging(
    job: MoveJob,
    sides: MoveSides,
  ): Promise<{ unverified: CapturedChange[]; rechecked: number }> {
    let unverified: CapturedChange[] = [];
    let rechecked = 0;
    let lastVerified = Number.POSITIVE_INFINITY;
    for (let round = 0; round < MAX_CATCH_UP_ROUNDS; round++) {
      await this.checkCancel(job);
      const applied = await applyPending(sides);
      unverified.push(...applied);
      if (applied.length >= QUIET_ENOUGH) continue;
      // Against a writer as fast as the verification itself, another round would not shrink the freeze.
      if (unverified.length < QUIET_ENOUGH || unverified.length > lastVerified / 2) break;
      lastVerified = unverified.length;
      await verifyRowsAtSnapshot(sides, unverified);
      rechecked += unverified.length;
      unverified = [];
    }
    return { unverified, rechecked };
  }

  /** The freeze: fence the source, drain its writers, apply and verify the last changes, flip. */
  private async freezeAndFlip(
    job: MoveJob,
    sides: MoveSides,
    unverified: CapturedChange[],
    verified: { tables: TableDigest[]; rowsRecheckedBeforeFreeze: number },
  ): Promise<void> {
    const { move, source, target, tables } = sides;
    const frozenAt = Date.now();
    await this.claimed(this.tenants.setPlacementState(move.tenantId, 'frozen', this.claimOf(move)));
    await this.invalidations.publish(move.tenantId);
    await this.endpoints.sourceTriggerDdl(source, move.fromSchema, () =>
      installFence(source, move.fromSchema, tables, move.tenantId),
    );
    await drainWriters(source, move.fromSchema);

    const last = [...unverified, ...(await applyPending(sides))];
    await this.enter(job, 'verifying');
    await verifyDelta(sides, last);

    // A location the tenant lived at before is fenced against it: that fence comes down only now, with
    // every row in place (a rollback raises it again).
    await lowerReadFence(target, move.tenantId, move.toSchema);
    // Still ours, just before the flip (the flip itself checks again, in its own statement).
    await this.claimed(this.moves.heartbeat(move.id, this.worker).then((held) => held !== undefined));
    const flipped = await this.tenants.flipPlacement(move.tenantId, move.fromVersion, toOf(move), this.claimOf(move));
    if (!flipped) throw new DomainError('TENANT_MOVING', 'the placement changed during the move');
    await this.invalidations.publish(move.tenantId);
    // The record of what was compared, for whoever reads the move afterwards (API, console, CLI).
    const verification = { ...verified, rowsRecheckedInFreeze: last.length };
    await this.enter(job, 'cleaning_up', { freezeMs: Date.now() - frozenAt, verification });
  }

  /** Transient contention before the flip, not stopped or taken over, with attempts left. */
  private async worthRetrying({ move, signal }: MoveJob, error: unknown, attempt: number): Promise<boolean> {
    if (attempt >= CONTENTION_ATTEMPTS || signal.aborted) return false;
    if (error instanceof ClaimLost || error instanceof MoveCancelled) return false;
    if (platformFailureOf(error)?.code !== 'DATABASE_BUSY') return false;
    const tenant = await this.tenants.findById(move.tenantId);
    return tenant?.version === move.fromVersion;
  }

  /** A failure or stop before the flip: everything back as it was, then the move ends (or is handed back). */
  private async stop({ move, signal }: MoveJob, error: unknown): Promise<void> {
    if (error instanceof ClaimLost || signal.reason === 'lost') {
      // The new owner rolls back or finishes the move; undoing anything here would race it.
      this.logger.warn(`move ${move.id}: another worker took it over; leaving it to that worker`);
      return;
    }
    const stopped = error instanceof MoveCancelled || signal.aborted ? stopReasonOf(signal) : undefined;
    const why = stopped ? `stopped (${stopped})` : `failed: ${messageOf(error)}`;
    this.logger.warn(`move ${move.id} ${why}; rolling back`);
    await this.cleanup.rollback(move);
    if (stopped === 'shutdown') {
      // Handed back: the next worker to look claims it at once and starts it again.
      const handBack = { state: 'pending' as const, worker: null, heartbeatAt: null, rowsCopied: 0 };
      await this.moves.updateClaimed(move.id, this.worker, handBack);
      return;
    }
    await this.moves.finish(
      move.id,
      { state: stopped ? 'cancelled' : 'failed', error: stopped ? null : messageOf(error), finishedAt: new Date() },
      this.worker,
    );
  }

  /**
   * Keeps the claim alive and hears a cancel within a second. Work that does not unwind within UNWIND_MS
   * of an abort is presumed dead: the beat stops vouching for it, so the claim lapses and another worker
   * takes the move over instead of it staying claimed forever.
   */
  private heartbeat(id: string, abort: AbortController): NodeJS.Timeout {
    let abortedAt: number | undefined;
    abort.signal.addEventListener('abort', () => (abortedAt = Date.now()), { once: true });
    const everyMs = Math.min(1_000, Math.max(100, Math.floor(this.config.moves.staleMs / 5)));
    return setInterval(() => {
      if (abortedAt !== undefined && Date.now() - abortedAt > UNWIND_MS) return;
      void this.moves.heartbeat(id, this.worker).then(
        (state) => {
          if (!state) abort.abort('lost' satisfies StopReason);
          else if (state.cancelRequested) abort.abort('cancel' satisfies StopReason);
        },
        (error: unknown) => this.logger.warn(`heartbeat of move ${id}: ${messageOf(error)}`),
      );
    }, everyMs);
  }

  /** The heartbeat notices a cancel within a beat; before each phase (and the freeze) ask directly. */
  private async checkCancel({ move, signal }: MoveJob): Promise<void> {
    if (signal.reason === 'lost') throw new ClaimLost();
    const current = await this.moves.findById(move.id);
    if (current?.worker !== this.worker) throw new ClaimLost();
    if (signal.aborted || current.cancelRequested) throw new MoveCancelled();
  }

  /** Enters a phase: reported, recorded, then paused for MOVE_PHASE_DELAY_MS (tests and drills stop a worker there). */
  private async enter(job: MoveJob, state: MoveRecord['state'], extra: Partial<MoveRecord> = {}): Promise<void> {
    job.report({ state, rowsCopied: extra.rowsCopied ?? 0, rowsTotal: extra.rowsTotal ?? 0 });
    await this.claimed(this.moves.updateClaimed(job.move.id, this.worker, { state, ...extra }));
    const delay = this.config.moves.phaseDelayMs;
    if (delay > 0) await new Promise((resolve) => setTimeout(resolve, delay));
  }

  /**
   * Progress of the copy: to the caller at once, to the move record at most twice a second. The saves
   * run one after another, and `saved()` waits for the last, so a late one never overwrites the final
   * count written after it.
   */
  private progressReporter(move: MoveRecord, rowsTotal: number, report: (p: MoveProgress) => void) {
    let lastSaved = 0;
    let saving: Promise<unknown> = Promise.resolve();
    const onRows = (rowsCopied: number) => {
      report({ state: 'copying', rowsCopied, rowsTotal });
      if (Date.now() - lastSaved < 500) return;
      lastSaved = Date.now();
      saving = saving.then(() =>
        bestEffort(this.logger, `progress of move ${move.id}`, () => this.moves.update(move.id, { rowsCopied })),
      );
    };
    return { onRows, saved: () => saving };
  }

  private claimOf(move: MoveRecord) {
    return { moveId: move.id, worker: this.worker };
  }

  /** Awaits a write that only happens while this worker holds the move; stops the run if it no longer does. */
  private async claimed(write: Promise<boolean>): Promise<void> {
    if (!(await write)) throw new ClaimLost();
  }

  private withSides<T>({ move, tables }: MoveJob, fn: (sides: MoveSides) => Promise<T>): Promise<T> {
    return this.endpoints.onSource(move, (source) =>
      this.endpoints.onTarget(move, (target) => fn({ move, source, target, tables })),
    );
  }

  private async record(id: string): Promise<MoveRecord> {
    const move = await this.moves.findById(id);
    if (!move) throw new DomainError('MOVE_NOT_FOUND', `No move ${id}`);
    return move;
  }
}

const stopReasonOf = (signal: AbortSignal): Exclude<StopReason, 'lost'> =>
  signal.reason === 'shutdown' ? 'shutdown' : 'cancel';
const messageOf = (error: unknown) => (error instanceof Error ? error.message : String(error));
