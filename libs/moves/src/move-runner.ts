import { randomUUID } from 'node:crypto';
import { Injectable, Logger } from '@nestjs/common';
import { SwitchyardConfig } from '@switchyard/config';
import {
  MovesRepository,
  PlacementInvalidations,
  ServerDirectory,
  TenantsRepository,
  type MoveRecord,
} from '@switchyard/control-plane';
import { DomainError } from '@switchyard/errors';
import {
  inTransaction,
  isPgError,
  lowerReadFence,
  PgErrorCode,
  raiseReadFence,
  withOwnerClient,
} from '@switchyard/postgres';
import { TENANT_TABLES } from '@switchyard/tenant-data';
import type { Client } from 'pg';
import type { CapturedChange } from './capture.sql';
import {
  drainWriters,
  installCapture,
  installFence,
  removeCapture,
  removeFence,
  removeWriteFence,
} from './capture.sql';
import { analyzeTables, copyTenantRows, countTenantRows } from './move-copier';
import { sameLocation, type MoveLocation } from './move-location';
import { MoveStorage } from './move-storage';
import { applyPending, verifyAtSnapshot, verifyDelta, verifyRowsAtSnapshot } from './move-sync';

/** Catch-up rounds end when a round finds fewer changes than this: the cutover then has little to do. */
const QUIET_ENOUGH = 200;
const MAX_CATCH_UP_ROUNDS = 50;
const SOURCE_LOCK = 0x5359_4d56; // "SYMV": serialises trigger DDL on one source schema
/** How long cleanup waits for readers that got in before the fence (see MoveStorage.drainStaleReaders). */
const STALE_READER_WAIT_MS = 10_000;
/** After an abort, the work has this long to unwind before its claim is let go (its heartbeat stops). */
const UNWIND_MS = 30_000;

class MoveCancelled extends Error {}

/** Why a running move is stopped: an operator's cancel, or this process shutting down. */
type StopReason = 'cancel' | 'shutdown';

export interface MoveProgress {
  state: MoveRecord['state'];
  rowsCopied: number;
  rowsTotal: number;
}

const fromOf = (m: MoveRecord): MoveLocation => ({
  tier: m.fromTier,
  server: m.fromServer,
  database: m.fromDatabase,
  schema: m.fromSchema,
});
const toOf = (m: MoveRecord): MoveLocation => ({
  tier: m.toTier,
  server: m.toServer,
  database: m.toDatabase,
  schema: m.toSchema,
});

/**
 * Carries out a move: copy (COPY from a snapshot, bounded memory) while triggers capture the tenant's
 * writes, catch up, then a short cutover — freeze, fence the source, wait for in-flight writers, apply
 * the last changes, verify counts and checksums, flip the placement (version + 1) — and clean up.
 * Any failure or cancel before the flip rolls back completely: the tenant stays where it was and the
 * partial copy is removed. A move whose worker died is taken over and restarted from a clean slate.
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
    private readonly servers: ServerDirectory,
    private readonly invalidations: PlacementInvalidations,
    private readonly storage: MoveStorage,
  ) {}

  /** Runs (or resumes) a move to its end; returns its final record. Another live worker's move is left alone. */
  async execute(id: string, onProgress: (p: MoveProgress) => void = () => undefined): Promise<MoveRecord> {
    const move = await this.moves.claim(id, this.worker, this.config.moves.staleMs);
    if (!move) return (await this.moves.findById(id))!;
    const abort = new AbortController();
    let abortedAt: number | undefined;
    const beat = setInterval(
      () => {
        // Work that does not unwind after an abort is presumed dead: stop vouching for it, so the claim
        // lapses and another worker takes the move over instead of it staying claimed forever.
        if (abortedAt !== undefined && Date.now() - abortedAt > UNWIND_MS) return;
        void this.moves.heartbeat(id, this.worker).then(
          (state) => {
            if (!state || state.cancelRequested) abort.abort('cancel' satisfies StopReason);
          },
          () => undefined,
        );
      },
      Math.min(1_000, Math.max(100, Math.floor(this.config.moves.staleMs / 5))),
    );
    abort.signal.addEventListener('abort', () => (abortedAt = Date.now()), { once: true });
    const done = this.drive(move, abort.signal, onProgress);
    this.running.set(id, { abort, done: done.catch(() => undefined) });
    try {
      await done;
    } finally {
      clearInterval(beat);
      this.running.delete(id);
    }
    return (await this.moves.findById(id))!;
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

  private async drive(move: MoveRecord, signal: AbortSignal, onProgress: (p: MoveProgress) => void): Promise<void> {
    const tenant = await this.tenants.findById(move.tenantId);
    if (!tenant)
      return this.moves.finish(move.id, { state: 'failed', error: 'tenant no longer exists', finishedAt: new Date() });
    if (move.state === 'cleaning_up' || tenant.version > move.fromVersion) return this.cleanup(move);
    if (move.state !== 'pending') {
      this.logger.warn(`move ${move.id} was interrupted in ${move.state}: rolling back, then starting again`);
      await this.rollback(move);
    }
    const state = async (s: MoveRecord['state'], extra: Partial<MoveRecord> = {}) => {
      onProgress({ state: s, rowsCopied: extra.rowsCopied ?? 0, rowsTotal: extra.rowsTotal ?? 0 });
      await this.moves.update(move.id, { state: s, ...extra });
      await this.phaseDelay();
    };
    // The heartbeat notices a cancel within a beat; before each phase (and the freeze) ask directly.
    const checkCancel = async () => {
      if (signal.aborted || (await this.moves.findById(move.id))?.cancelRequested) throw new MoveCancelled();
    };
    try {
      await state('copying', { rowsCopied: 0, error: null });
      await this.tenants.setPlacementState(tenant.id, 'moving');
      await this.invalidations.publish(tenant.id);
      await this.storage.prepare(tenant, toOf(move));
      await this.storage.deleteRows(tenant.id, toOf(move)); // a copy left by an earlier attempt
      // Only the write fence: the read fence of a location the tenant comes back to stays until the flip.
      await this.onTarget(move, (c) => removeWriteFence(c, move.toSchema, TENANT_TABLES, tenant.id));
      await this.onSource(move, (c) =>
        this.ddl(c, move.fromSchema, () => installCapture(c, move.fromSchema, TENANT_TABLES, tenant.id, move.id)),
      );
      await checkCancel();
      await this.copy(move, signal, onProgress);
      await checkCancel();
      await state('catching_up');
      await this.catchUp(move, checkCancel);
      await state('cutover');
      await this.cutover(move, checkCancel);
    } catch (error) {
      const stopped =
        error instanceof MoveCancelled || signal.aborted
          ? ((signal.reason as StopReason | undefined) ?? 'cancel')
          : undefined;
      this.logger.warn(
        `move ${move.id} ${stopped ? `stopped (${stopped})` : `failed: ${error instanceof Error ? error.message : error}`}; rolling back`,
      );
      await this.rollback(move);
      if (stopped === 'shutdown') {
        // Handed back: the next worker to look claims it at once and starts it again.
        await this.moves.update(move.id, { state: 'pending', worker: null, heartbeatAt: null, rowsCopied: 0 });
        return;
      }
      await this.moves.finish(move.id, {
        state: stopped ? 'cancelled' : 'failed',
        error: stopped ? null : error instanceof Error ? error.message : String(error),
        finishedAt: new Date(),
      });
      return;
    }
    onProgress({ state: 'cleaning_up', rowsCopied: (await this.moves.findById(move.id))!.rowsCopied, rowsTotal: 0 });
    await this.cleanup(move);
  }

  /** COPY from one REPEATABLE READ snapshot at the source into one transaction at the target. */
  private async copy(move: MoveRecord, signal: AbortSignal, onProgress: (p: MoveProgress) => void): Promise<void> {
    await this.onSource(move, async (source) => {
      await source.query('BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY');
      try {
        const rowsTotal = await countTenantRows(source, move.fromSchema, TENANT_TABLES, move.tenantId);
        await this.moves.update(move.id, { rowsTotal });
        let lastReport = 0;
        await this.onTarget(move, async (target) => {
          // A stopped copy closes both connections at once (see abortCopy); so does a failed one.
          const stop = () => void this.abortCopy(move, source, target);
          signal.addEventListener('abort', stop, { once: true });
          if (signal.aborted) stop();
          await target.query('BEGIN');
          let copied: number;
          try {
            copied = await copyTenantRows(
              source,
              target,
              { schema: move.fromSchema },
              { schema: move.toSchema },
              TENANT_TABLES,
              move.tenantId,
              (rows) => {
                onProgress({ state: 'copying', rowsCopied: rows, rowsTotal });
                if (Date.now() - lastReport > 500) {
                  lastReport = Date.now();
                  void this.moves.update(move.id, { rowsCopied: rows }).catch(() => undefined);
                }
              },
            );
          } catch (error) {
            await this.abortCopy(move, source, target);
            throw error;
          } finally {
            signal.removeEventListener('abort', stop);
          }
          await target.query('COMMIT');
          await analyzeTables(target, move.toSchema, TENANT_TABLES);
          await this.moves.update(move.id, { rowsCopied: copied });
        });
      } finally {
        await source.query('COMMIT').catch(() => undefined);
      }
    });
  }

  private async catchUp(move: MoveRecord, checkCancel: () => Promise<void>): Promise<void> {
    await this.onSource(move, (source) =>
      this.onTarget(move, async (target) => {
        for (let round = 0; round < MAX_CATCH_UP_ROUNDS; round++) {
          await checkCancel();
          if ((await applyPending(move, source, target)).length < QUIET_ENOUGH) return;
        }
      }),
    );
  }

  private async cutover(move: MoveRecord, checkCancel: () => Promise<void>): Promise<void> {
    await this.onSource(move, (source) =>
      this.onTarget(move, async (target) => {
        // The full verification happens before the freeze, at one consistent point (a snapshot). After
        // it, writes keep coming: they are applied in cheap batches until the queue is quiet, then every
        // row they touched is verified at a new snapshot — still outside the freeze — and so on, each
        // round smaller than the last. Inside the freeze only the rows touched since the last verified
        // snapshot are compared, so the freeze stays short however busy the tenant is.
        await verifyAtSnapshot(move, source, target);
        let unverified: CapturedChange[] = [];
        let lastVerified = Number.POSITIVE_INFINITY;
        for (let round = 0; round < MAX_CATCH_UP_ROUNDS; round++) {
          await checkCancel();
          const applied = await applyPending(move, source, target);
          unverified.push(...applied);
          if (applied.length >= QUIET_ENOUGH) continue;
          // Verify again only while that converges: against a writer as fast as the verification
          // itself, another round would not shrink what the freeze has to check.
          if (unverified.length < QUIET_ENOUGH || unverified.length > lastVerified / 2) break;
          lastVerified = unverified.length;
          await verifyRowsAtSnapshot(move, source, target, unverified);
          unverified = [];
        }
        const frozenAt = Date.now();
        await this.tenants.setPlacementState(move.tenantId, 'frozen');
        await this.invalidations.publish(move.tenantId);
        await this.ddl(source, move.fromSchema, () =>
          installFence(source, move.fromSchema, TENANT_TABLES, move.tenantId),
        );
        await drainWriters(source, move.fromSchema);
        const last = [...unverified, ...(await applyPending(move, source, target))];
        await this.moves.update(move.id, { state: 'verifying' });
        await this.phaseDelay();
        await verifyDelta(move, source, target, last);
        // A location the tenant lived at before is fenced against it: the fence comes down only now,
        // with every row in place (a rollback raises it again).
        await lowerReadFence(target, move.tenantId, move.toSchema);
        const flipped = await this.tenants.flipPlacement(move.tenantId, move.fromVersion, {
          tier: move.toTier,
          server: move.toServer,
          database: move.toDatabase,
          schema: move.toSchema,
        });
        if (!flipped) throw new DomainError('TENANT_MOVING', 'the placement changed during the move');
        await this.invalidations.publish(move.tenantId);
        await this.moves.update(move.id, { state: 'cleaning_up', freezeMs: Date.now() - frozenAt });
        await this.phaseDelay();
      }),
    );
  }

  /** Before the flip: puts everything back as it was (placement, source triggers, target copy). */
  private async rollback(move: MoveRecord): Promise<void> {
    await this.onSource(move, async (c) => {
      await this.ddl(c, move.fromSchema, async () => {
        await removeFence(c, move.fromSchema, TENANT_TABLES, move.tenantId);
        await removeCapture(c, move.fromSchema, TENANT_TABLES, move.id);
      });
    }).catch((error: unknown) =>
      this.logger.error(`rollback of ${move.id} at source: ${error instanceof Error ? error.message : error}`),
    );
    const tenant = await this.tenants.findById(move.tenantId);
    if (tenant && tenant.version === move.fromVersion) {
      await this.tenants.setPlacementState(move.tenantId, 'ready');
      await this.invalidations.publish(move.tenantId);
      await this.storage
        .remove(move.tenantId, toOf(move), move.toTier === move.fromTier)
        .catch((error: unknown) =>
          this.logger.error(`rollback of ${move.id} at target: ${error instanceof Error ? error.message : error}`),
        );
      // The tenant does not live at the target: fence it there (again), wherever its storage remains.
      await this.onTarget(move, (c) => raiseReadFence(c, move.tenantId, move.toSchema)).catch((error: unknown) => {
        if (!isPgError(error, PgErrorCode.invalidCatalogName) && !isPgError(error, '42P01')) {
          this.logger.error(
            `rollback of ${move.id}: fencing the target: ${error instanceof Error ? error.message : error}`,
          );
        }
      });
    }
  }

  /** After the flip: capture off, old data removed now or after MOVE_RETENTION_MS (the fence stays until then). */
  async cleanup(move: MoveRecord): Promise<void> {
    await this.onSource(move, (c) =>
      this.ddl(c, move.fromSchema, () => removeCapture(c, move.fromSchema, TENANT_TABLES, move.id)),
    ).catch(() => undefined);
    const retention = this.config.moves.retentionMs;
    if (retention > 0) {
      await this.moves.finish(move.id, {
        state: 'done',
        finishedAt: new Date(),
        cleanupAt: new Date(Date.now() + retention),
      });
      return;
    }
    await this.removeSource(move);
    await this.moves.finish(move.id, { state: 'done', finishedAt: new Date(), cleanedAt: new Date() });
  }

  /**
   * Removes the old location's data once the readers that got in before its fence are done; a shared
   * cell keeps the tenant's fences against stale routers. Skipped when the tenant has come back there
   * (or is on its way back) since: that data is its live data now.
   */
  async removeSource(move: MoveRecord): Promise<void> {
    const from = fromOf(move);
    if (await this.isTenantBoundFor(move, from)) {
      this.logger.log(`move ${move.id}: the tenant is back at its old location; nothing to remove`);
    } else {
      await this.storage.drainStaleReaders(move.tenantId, from, STALE_READER_WAIT_MS);
      await this.storage.remove(move.tenantId, from, move.toTier === move.fromTier);
    }
    await this.moves.update(move.id, { cleanedAt: new Date() });
  }

  private async isTenantBoundFor(move: MoveRecord, location: MoveLocation): Promise<boolean> {
    const tenant = await this.tenants.findById(move.tenantId);
    if (tenant && sameLocation({ tier: tenant.tier, ...tenant.placement }, location)) return true;
    const active = await this.moves.list({ tenantId: move.tenantId, limit: 10 });
    return active.some(
      (m) => m.id !== move.id && !['done', 'failed', 'cancelled'].includes(m.state) && sameLocation(toOf(m), location),
    );
  }

  /**
   * Stops a COPY at once. Ending a client with a query in flight destroys its socket (pg), which a COPY
   * TO needs: it reads its socket only as fast as its consumer reads, so once the pipeline is torn down
   * nothing would ever read the server's answer. The backends are terminated too, since a server
   * notices a closed socket only when it next writes to it.
   */
  private async abortCopy(move: MoveRecord, source: Client, target: Client): Promise<void> {
    const pid = (client: Client) => (client as unknown as { processID: number }).processID;
    const backends: [string, number][] = [
      [move.fromServer, pid(source)],
      [move.toServer, pid(target)],
    ];
    await Promise.all([source.end(), target.end()]).catch(() => undefined);
    for (const [server, backend] of backends) {
      await withOwnerClient(this.servers.maintenanceUrl(server), (c) =>
        c.query('SELECT pg_terminate_backend($1)', [backend]),
      ).catch(() => undefined);
    }
  }

  /** MOVE_PHASE_DELAY_MS: lets tests (and chaos drills) stop a worker in a chosen phase. */
  private async phaseDelay(): Promise<void> {
    if (this.config.moves.phaseDelayMs > 0)
      await new Promise((resolve) => setTimeout(resolve, this.config.moves.phaseDelayMs));
  }

  /**
   * Trigger DDL on one source schema, serialised (concurrent CREATE OR REPLACE FUNCTION can collide).
   * Creating a trigger waits for the table's open write transactions, and every new writer queues
   * behind that wait: so it waits at most MOVE_LOCK_TIMEOUT_MS, then lets the writers through and
   * tries again (MOVE_LOCK_RETRIES times), like a migration does.
   */
  private async ddl<T>(client: Client, schema: string, fn: () => Promise<T>): Promise<T> {
    const { lockTimeoutMs, lockRetries } = this.config.moves;
    for (let attempt = 0; ; attempt++) {
      try {
        return await inTransaction(client, async () => {
          await client.query('SELECT pg_advisory_xact_lock($1, hashtext($2))', [SOURCE_LOCK, schema]);
          await client.query("SELECT set_config('lock_timeout', $1, true)", [`${lockTimeoutMs}ms`]);
          return fn();
        });
      } catch (error) {
        if (!isPgError(error, PgErrorCode.lockNotAvailable) || attempt >= lockRetries) throw error;
        this.logger.warn(`trigger DDL on ${schema}: lock not available, retry ${attempt + 1}/${lockRetries}`);
        await new Promise((resolve) => setTimeout(resolve, 100 * (attempt + 1)));
      }
    }
  }

  private onSource<T>(move: MoveRecord, fn: (client: Client) => Promise<T>): Promise<T> {
    return withOwnerClient(this.servers.ownerUrl(move.fromServer, move.fromDatabase), fn);
  }

  private onTarget<T>(move: MoveRecord, fn: (client: Client) => Promise<T>): Promise<T> {
    return withOwnerClient(this.servers.ownerUrl(move.toServer, move.toDatabase), fn);
  }
}
