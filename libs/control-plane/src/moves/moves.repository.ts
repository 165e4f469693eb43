import { Injectable } from '@nestjs/common';
import { and, desc, eq, inArray, isNull, lt, lte, notInArray, or, sql } from 'drizzle-orm';
import { singleRow } from '@switchyard/postgres';
import { auditText, SYSTEM_ACTOR, type AuditActor } from '../audit/audit-actor';
import { appendAudit, type AuditWriter } from '../audit/audit-log.repository';
import { ControlPlaneDatabase, type ControlPlaneDrizzle } from '../control-plane-database';
import { moves, tenants, TERMINAL_MOVE_STATES, type MoveState } from '../schema/control-plane.schema';

export type MoveRecord = typeof moves.$inferSelect;
export type NewMove = Pick<
  typeof moves.$inferInsert,
  | 'tenantId'
  | 'fromTier'
  | 'fromServer'
  | 'fromDatabase'
  | 'fromSchema'
  | 'fromVersion'
  | 'toTier'
  | 'toServer'
  | 'toDatabase'
  | 'toSchema'
>;
/** How a move ends: `done` is recorded as succeeded, `failed` and `cancelled` as failed. */
export type MoveEnd = Partial<Omit<MoveRecord, 'id' | 'tenantId' | 'state'>> & {
  state: Extract<MoveState, 'done' | 'failed' | 'cancelled'>;
};

const active = notInArray(moves.state, [...TERMINAL_MOVE_STATES]);

/** Appends a move's record in `tx`: the tenant id as target, its slug (while it exists), the move id in details. */
async function appendMoveAudit(
  tx: AuditWriter & Pick<ControlPlaneDrizzle, 'select'>,
  move: MoveRecord,
  entry: { actor: string; action: string; outcome: 'succeeded' | 'failed'; details?: Record<string, unknown> },
): Promise<void> {
  const [tenant] = await tx.select({ slug: tenants.slug }).from(tenants).where(eq(tenants.id, move.tenantId));
  const details = { moveId: move.id, ...entry.details };
  await appendAudit(tx, { ...entry, target: move.tenantId, targetSlug: tenant?.slug ?? null, details });
}

const locations = (m: MoveRecord) => ({
  from: { tier: m.fromTier, server: m.fromServer, database: m.fromDatabase, schema: m.fromSchema },
  to: { tier: m.toTier, server: m.toServer, database: m.toDatabase, schema: m.toSchema },
});

@Injectable()
export class MovesRepository {
  constructor(private readonly database: ControlPlaneDatabase) {}

  private get db() {
    return this.database.db;
  }

  /**
   * Accepts a move, recorded as `tenant.move` in the same transaction (requested by `by`). Throws a
   * unique violation when the tenant already has an active move (one at a time). With `worker`, the
   * move is born claimed by it, so no background worker races it.
   */
  async insert(move: NewMove, by: AuditActor, worker?: string): Promise<MoveRecord> {
    const claim = worker ? { worker, heartbeatAt: sql`now()` } : {};
    return this.db.transaction(async (tx) => {
      const row = singleRow(
        await tx
          .insert(moves)
          .values({ ...move, ...claim, requestedBy: auditText(by.actor), state: 'pending' })
          .returning(),
        'inserted move',
      );
      const entry = { actor: by.actor, action: 'tenant.move', details: locations(row) };
      await appendMoveAudit(tx, row, { ...entry, outcome: 'succeeded' });
      return row;
    });
  }

  async findById(id: string): Promise<MoveRecord | undefined> {
    const [row] = await this.db.select().from(moves).where(eq(moves.id, id));
    return row;
  }

  async list(filter: { tenantId?: string; state?: MoveState; limit: number }): Promise<MoveRecord[]> {
    return this.db
      .select()
      .from(moves)
      .where(
        and(
          filter.tenantId ? eq(moves.tenantId, filter.tenantId) : undefined,
          filter.state ? eq(moves.state, filter.state) : undefined,
        ),
      )
      .orderBy(desc(moves.startedAt))
      .limit(filter.limit);
  }

  /** The last `limit` moves that finished well: how long moves of this installation take. */
  async recentDone(limit: number): Promise<Pick<MoveRecord, 'toTier' | 'rowsTotal' | 'startedAt' | 'finishedAt'>[]> {
    return this.db
      .select({
        toTier: moves.toTier,
        rowsTotal: moves.rowsTotal,
        startedAt: moves.startedAt,
        finishedAt: moves.finishedAt,
      })
      .from(moves)
      .where(eq(moves.state, 'done'))
      .orderBy(desc(moves.finishedAt))
      .limit(limit);
  }

  /** Moves not yet ended, oldest first. */
  async listActive(): Promise<MoveRecord[]> {
    return this.db
      .select()
      .from(moves)
      .where(notInArray(moves.state, [...TERMINAL_MOVE_STATES]))
      .orderBy(moves.startedAt);
  }

  async update(id: string, changes: Partial<Omit<MoveRecord, 'id' | 'tenantId'>>): Promise<void> {
    await this.db.update(moves).set(changes).where(eq(moves.id, id));
  }

  /**
   * Updates a move only while `worker` still holds it; false when another worker has taken it over (a
   * runner that stalled past MOVE_STALE_MS must stop touching the move, not race its new owner).
   */
  async updateClaimed(
    id: string,
    worker: string,
    changes: Partial<Omit<MoveRecord, 'id' | 'tenantId'>>,
  ): Promise<boolean> {
    const rows = await this.db
      .update(moves)
      .set(changes)
      .where(and(eq(moves.id, id), eq(moves.worker, worker)))
      .returning({ id: moves.id });
    return rows.length === 1;
  }

  /**
   * Takes a move for `worker` if nobody holds it or its holder stopped beating for `staleMs`.
   * Returns the move when taken.
   */
  async claim(id: string, worker: string, staleMs: number): Promise<MoveRecord | undefined> {
    const [row] = await this.db
      .update(moves)
      .set({ worker, heartbeatAt: sql`now()`, attempts: sql`${moves.attempts} + 1` })
      .where(
        and(
          eq(moves.id, id),
          active,
          or(
            isNull(moves.worker),
            eq(moves.worker, worker),
            lt(moves.heartbeatAt, sql`now() - make_interval(secs => ${staleMs / 1000})`),
          ),
        ),
      )
      .returning();
    return row;
  }

  /** Keeps a claim alive; returns whether a cancel was requested, or undefined when the claim was lost. */
  async heartbeat(id: string, worker: string): Promise<{ cancelRequested: boolean } | undefined> {
    const [row] = await this.db
      .update(moves)
      .set({ heartbeatAt: sql`now()` })
      .where(and(eq(moves.id, id), eq(moves.worker, worker)))
      .returning({ cancelRequested: moves.cancelRequested });
    return row;
  }

  /** Active moves nobody holds (new) or whose holder died (stale heartbeat). */
  async claimable(staleMs: number): Promise<string[]> {
    const rows = await this.db
      .select({ id: moves.id })
      .from(moves)
      .where(
        and(
          active,
          or(isNull(moves.worker), lt(moves.heartbeatAt, sql`now() - make_interval(secs => ${staleMs / 1000})`)),
        ),
      )
      .orderBy(moves.startedAt);
    return rows.map((r) => r.id);
  }

  /** Asks the move's worker to stop, recorded as `move.cancel` in the same transaction; undefined once it ended. */
  async requestCancel(id: string, by: AuditActor): Promise<MoveRecord | undefined> {
    return this.db.transaction(async (tx) => {
      const [row] = await tx
        .update(moves)
        .set({ cancelRequested: true })
        .where(and(eq(moves.id, id), active))
        .returning();
      if (!row) return undefined;
      const entry = { actor: by.actor, action: 'move.cancel', details: { state: row.state } };
      await appendMoveAudit(tx, row, { ...entry, outcome: 'succeeded' });
      return row;
    });
  }

  /**
   * Ends a move (done, failed, cancelled), recorded as `move.finish` in the same transaction, with its
   * requester as actor: a move never ends unaudited. A move that has ended already is left as it is.
   */
  async finish(id: string, end: MoveEnd, worker?: string): Promise<void> {
    await this.db.transaction(async (tx) => {
      const [row] = await tx
        .update(moves)
        .set(end)
        .where(and(eq(moves.id, id), active, worker === undefined ? undefined : eq(moves.worker, worker)))
        .returning();
      if (!row) return;
      await appendMoveAudit(tx, row, {
        actor: row.requestedBy ?? SYSTEM_ACTOR.actor,
        action: 'move.finish',
        outcome: row.state === 'done' ? 'succeeded' : 'failed',
        details: { ...locations(row), state: row.state, freezeMs: row.freezeMs, error: row.error },
      });
    });
  }

  /** Finished moves whose old location is due for removal. */
  async dueCleanups(): Promise<MoveRecord[]> {
    return this.db
      .select()
      .from(moves)
      .where(and(inArray(moves.state, ['done']), isNull(moves.cleanedAt), lte(moves.cleanupAt, sql`now()`)));
  }
}
