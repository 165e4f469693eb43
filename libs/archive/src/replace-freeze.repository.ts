import { Injectable } from '@nestjs/common';
import {
  ControlPlaneDatabase,
  moves,
  placements,
  tenants,
  type MoveState,
  type PlacementState,
  type TenantStatus,
} from '@switchyard/control-plane';
import { DomainError } from '@switchyard/errors';
import { AdvisoryLock } from '@switchyard/postgres';
import { and, eq, inArray, notExists, notInArray, sql } from 'drizzle-orm';

/**
 * The session advisory lock a replace holds on the control-plane database for its whole run. Held by a
 * session, it dies with a crashed process: a placement found `frozen` with no move running and nobody
 * holding this lock is a replace that crashed, and the next replace of the tenant may take it over.
 */
const REPLACE_LOCK = AdvisoryLock.archiveReplace;

/** A move that still owns the tenant's placement: anything before its old data's cleanup. */
const PLACEMENT_FREE_MOVE_STATES: MoveState[] = ['done', 'failed', 'cancelled', 'cleaning_up'];
const REPLACEABLE: TenantStatus[] = ['active', 'suspended'];

/** The control-plane side of a replace's fence: its lock, and freezing and thawing the placement. */
@Injectable()
export class ReplaceFreezeRepository {
  constructor(private readonly database: ControlPlaneDatabase) {}

  private get db() {
    return this.database.db;
  }

  private noActiveMove(tenantId: string) {
    return notExists(
      this.db
        .select({ one: sql`1` })
        .from(moves)
        .where(and(eq(moves.tenantId, tenantId), notInArray(moves.state, PLACEMENT_FREE_MOVE_STATES))),
    );
  }

  /** Runs `fn` holding the tenant's replace lock; a second replace of the same tenant is refused meanwhile. */
  async withReplaceLock<T>(tenantId: string, slug: string, fn: () => Promise<T>): Promise<T> {
    const client = await this.database.pool.connect();
    let unlocked = true;
    try {
      const { rows } = await client.query<{ locked: boolean }>(
        'SELECT pg_try_advisory_lock($1, hashtext($2)) AS locked',
        [REPLACE_LOCK, tenantId],
      );
      if (!rows[0]?.locked)
        throw new DomainError('TENANT_MOVING', `Tenant ${slug} is being restored by another replace already`);
      try {
        return await fn();
      } finally {
        // The replace's outcome stands whatever the unlock does; a connection that could not unlock is
        // closed instead of pooled, which ends its session and its lock.
        unlocked = await client.query('SELECT pg_advisory_unlock($1, hashtext($2))', [REPLACE_LOCK, tenantId]).then(
          () => true,
          () => false,
        );
      }
    } finally {
      client.release(!unlocked);
    }
  }

  /**
   * Freezes the placement (routers hold the tenant's requests) if no move owns it; a placement left
   * frozen by a crashed replace is taken over (the caller holds the replace lock). Returns the placement
   * version, or undefined when it could not be frozen.
   */
  async freeze(tenantId: string): Promise<number | undefined> {
    const [row] = await this.db
      .update(placements)
      .set({ state: 'frozen' satisfies PlacementState, updatedAt: sql`now()` })
      .where(
        and(
          eq(placements.tenantId, tenantId),
          inArray(placements.state, ['ready', 'frozen'] satisfies PlacementState[]),
          this.noActiveMove(tenantId),
        ),
      )
      .returning({ version: placements.version });
    return row?.version;
  }

  /** Still frozen at `version`, still active or suspended, and no move has slipped in: safe to commit. */
  async stillFrozen(tenantId: string, version: number): Promise<boolean> {
    const rows = await this.db
      .select({ id: placements.tenantId })
      .from(placements)
      .innerJoin(tenants, eq(tenants.id, placements.tenantId))
      .where(
        and(
          eq(placements.tenantId, tenantId),
          eq(placements.state, 'frozen'),
          eq(placements.version, version),
          inArray(tenants.status, REPLACEABLE),
          this.noActiveMove(tenantId),
        ),
      );
    return rows.length === 1;
  }

  /** Serves the tenant again (only if the placement is still the one this replace froze). */
  async thaw(tenantId: string, version: number): Promise<void> {
    await this.db
      .update(placements)
      .set({ state: 'ready' satisfies PlacementState, updatedAt: sql`now()` })
      .where(and(eq(placements.tenantId, tenantId), eq(placements.state, 'frozen'), eq(placements.version, version)));
  }
}
