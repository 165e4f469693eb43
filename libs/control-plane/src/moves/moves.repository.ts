import { Injectable } from '@nestjs/common';
import { and, desc, eq, inArray, isNull, lt, lte, notInArray, or, sql } from 'drizzle-orm';
import { ControlPlaneDatabase } from '../control-plane-database';
import { moves, TERMINAL_MOVE_STATES, type MoveState } from '../schema/control-plane.schema';

export type MoveRecord = typeof moves.$inferSelect;
export type NewMove = Pick<
  typeof moves.$inferInsert,
  'tenantId' | 'fromTier' | 'fromServer' | 'fromDatabase' | 'fromSchema' | 'fromVersion' | 'toTier' | 'toServer' | 'toDatabase' | 'toSchema' | 'requestedBy'
>;

const active = notInArray(moves.state, [...TERMINAL_MOVE_STATES]);

@Injectable()
export class MovesRepository {
  constructor(private readonly database: ControlPlaneDatabase) {}

  private get db() {
    return this.database.db;
  }

  /**
   * Throws a unique violation when the tenant already has an active move (one at a time). With
   * `worker`, the move is born claimed by it, so no background worker races it.
   */
  async insert(move: NewMove, worker?: string): Promise<MoveRecord> {
    const claim = worker ? { worker, heartbeatAt: sql`now()` } : {};
    const [row] = await this.db.insert(moves).values({ ...move, ...claim, state: 'pending' }).returning();
    return row;
  }

  async findById(id: string): Promise<MoveRecord | undefined> {
    const [row] = await this.db.select().from(moves).where(eq(moves.id, id));
    return row;
  }

  async list(filter: { tenantId?: string; state?: MoveState; limit: number }): Promise<MoveRecord[]> {
    return this.db
      .select()
      .from(moves)
      .where(and(filter.tenantId ? eq(moves.tenantId, filter.tenantId) : undefined, filter.state ? eq(moves.state, filter.state) : undefined))
      .orderBy(desc(moves.startedAt))
      .limit(filter.limit);
  }

  async update(id: string, changes: Partial<Omit<MoveRecord, 'id' | 'tenantId'>>): Promise<void> {
    await this.db.update(moves).set(changes).where(eq(moves.id, id));
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
          or(isNull(moves.worker), eq(moves.worker, worker), lt(moves.heartbeatAt, sql`now() - make_interval(secs => ${staleMs / 1000})`)),
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
      .where(and(active, or(isNull(moves.worker), lt(moves.heartbeatAt, sql`now() - make_interval(secs => ${staleMs / 1000})`))))
      .orderBy(moves.startedAt);
    return rows.map((r) => r.id);
  }

  async requestCancel(id: string): Promise<MoveRecord | undefined> {
    const [row] = await this.db.update(moves).set({ cancelRequested: true }).where(and(eq(moves.id, id), active)).returning();
    return row;
  }

  /** Finished moves whose old location is due for removal. */
  async dueCleanups(): Promise<MoveRecord[]> {
    return this.db
      .select()
      .from(moves)
      .where(and(inArray(moves.state, ['done']), isNull(moves.cleanedAt), lte(moves.cleanupAt, sql`now()`)));
  }
}
