import { Injectable } from '@nestjs/common';
import { and, desc, eq, inArray, isNull, sql } from 'drizzle-orm';
import { DomainError } from '@switchyard/errors';
import { isPgError, PgErrorCode, singleRow } from '@switchyard/postgres';
import { auditText, type AuditActor } from '../audit/audit-actor';
import { appendAudit } from '../audit/audit-log.repository';
import { ControlPlaneDatabase } from '../control-plane-database';
import {
  migrationLedger,
  moves,
  offboardings,
  tenants,
  tenantUsage,
  type OffboardingState,
  type TenantStatus,
} from '../schema/control-plane.schema';

export type OffboardingRecord = typeof offboardings.$inferSelect;

/** Offboardings not yet ended: waiting for their grace period to pass, or being erased. */
export const ACTIVE_OFFBOARDING_STATES: readonly OffboardingState[] = ['scheduled', 'erasing'];

export interface NewOffboarding {
  tenantId: string;
  graceMs: number;
  exportRequested: boolean;
  /** Born claimed by this worker (a CLI that carries the erasure out itself), so no background worker races it. */
  worker?: string;
}

/** How an erasure ends: `done` with a clean proof, `failed` with leftovers or an error. */
export interface OffboardingEnd {
  state: Extract<OffboardingState, 'done' | 'failed'>;
  result: unknown;
  error: string | null;
  /** What the `tenant.erase` audit entry says (the proof's counts and leftovers). */
  audit: Record<string, unknown>;
}

const active = inArray(offboardings.state, [...ACTIVE_OFFBOARDING_STATES]);
const stale = (staleMs: number) =>
  sql`(${offboardings.worker} IS NULL OR ${offboardings.heartbeatAt} < now() - make_interval(secs => ${staleMs / 1000}))`;

/**
 * Offboardings in the control plane. Each change of state commits with its audit entry: the request
 * (`tenant.offboard`, with the tenant's suspension), a cancel (`tenant.offboard-cancel`, with its
 * resumption) and the end of the erasure (`tenant.erase`, with the proof).
 */
@Injectable()
export class OffboardingsRepository {
  constructor(private readonly database: ControlPlaneDatabase) {}

  private get db() {
    return this.database.db;
  }

  /**
   * Suspends the tenant and records its offboarding (`erase_after` = now + grace, by the database's
   * clock), audited as `tenant.offboard`, in one transaction. Refused for a tenant that is neither
   * active nor suspended, or already being offboarded.
   */
  async schedule(input: NewOffboarding, by: AuditActor): Promise<OffboardingRecord> {
    try {
      return await this.db.transaction(async (tx) => {
        const [tenant] = await tx
          .select({ slug: tenants.slug, status: tenants.status })
          .from(tenants)
          .where(eq(tenants.id, input.tenantId))
          .for('update');
        if (!tenant) throw new DomainError('TENANT_NOT_FOUND', `No tenant ${input.tenantId}`);
        const [running] = await tx
          .select({ id: offboardings.id })
          .from(offboardings)
          .where(and(eq(offboardings.tenantId, input.tenantId), active));
        if (running)
          throw new DomainError('TENANT_NOT_ACTIVE', `Tenant ${tenant.slug} is already being offboarded`, {
            offboardingId: running.id,
          });
        if (tenant.status !== 'active' && tenant.status !== 'suspended')
          throw new DomainError('TENANT_NOT_ACTIVE', `Tenant ${tenant.slug} is ${tenant.status}`);
        if (tenant.status !== 'suspended')
          await tx
            .update(tenants)
            .set({ status: 'suspended' satisfies TenantStatus, updatedAt: sql`now()` })
            .where(eq(tenants.id, input.tenantId));
        const claim = input.worker ? { worker: input.worker, heartbeatAt: sql`now()` } : {};
        const row = singleRow(
          await tx
            .insert(offboardings)
            .values({
              tenantId: input.tenantId,
              tenantSlug: tenant.slug,
              state: 'scheduled',
              previousStatus: tenant.status,
              graceMs: input.graceMs,
              eraseAfter: sql`now() + make_interval(secs => ${input.graceMs / 1000})`,
              exportRequested: input.exportRequested,
              requestedBy: auditText(by.actor),
              ...claim,
            })
            .returning(),
          'inserted offboarding',
        );
        await appendAudit(tx, {
          actor: by.actor,
          action: 'tenant.offboard',
          target: input.tenantId,
          targetSlug: tenant.slug,
          outcome: 'succeeded',
          details: {
            offboardingId: row.id,
            graceMs: row.graceMs,
            eraseAfter: row.eraseAfter.toISOString(),
            export: row.exportRequested,
            previousStatus: row.previousStatus,
          },
        });
        return row;
      });
    } catch (error) {
      if (isPgError(error, PgErrorCode.uniqueViolation))
        throw new DomainError('TENANT_NOT_ACTIVE', `Tenant ${input.tenantId} is already being offboarded`);
      throw error;
    }
  }

  async findById(id: string): Promise<OffboardingRecord | undefined> {
    const [row] = await this.db.select().from(offboardings).where(eq(offboardings.id, id));
    return row;
  }

  /** Newest first. */
  async list(filter: {
    tenantId?: string;
    tenantSlug?: string;
    state?: OffboardingState;
    limit: number;
  }): Promise<OffboardingRecord[]> {
    return this.db
      .select()
      .from(offboardings)
      .where(
        and(
          filter.tenantId ? eq(offboardings.tenantId, filter.tenantId) : undefined,
          filter.tenantSlug ? eq(offboardings.tenantSlug, filter.tenantSlug) : undefined,
          filter.state ? eq(offboardings.state, filter.state) : undefined,
        ),
      )
      .orderBy(desc(offboardings.requestedAt))
      .limit(filter.limit);
  }

  /**
   * Cancels an offboarding whose erasure has not started, and gives the tenant back the status it had
   * before (it was suspended by the offboarding), audited as `tenant.offboard-cancel` — in one
   * transaction. Undefined when there is no such offboarding or it can no longer be cancelled.
   */
  async cancel(id: string, by: AuditActor): Promise<OffboardingRecord | undefined> {
    return this.db.transaction(async (tx) => {
      const [row] = await tx
        .update(offboardings)
        .set({ state: 'cancelled', finishedAt: sql`now()`, cancelledBy: auditText(by.actor), worker: null })
        .where(and(eq(offboardings.id, id), eq(offboardings.state, 'scheduled'), isNull(offboardings.startedAt)))
        .returning();
      if (!row) return undefined;
      const [resumed] = await tx
        .update(tenants)
        .set({ status: row.previousStatus, updatedAt: sql`now()` })
        .where(and(eq(tenants.id, row.tenantId), eq(tenants.status, 'suspended')))
        .returning({ status: tenants.status });
      await appendAudit(tx, {
        actor: by.actor,
        action: 'tenant.offboard-cancel',
        target: row.tenantId,
        targetSlug: row.tenantSlug,
        outcome: 'succeeded',
        details: { offboardingId: row.id, status: resumed?.status ?? null },
      });
      return row;
    });
  }

  /**
   * Takes the oldest due offboarding nobody holds (or whose holder stopped beating for `staleMs`) for
   * `worker`: safe with any number of control planes (one UPDATE, rows locked by others are skipped).
   */
  async claimDue(worker: string, staleMs: number): Promise<OffboardingRecord | undefined> {
    const due = this.db
      .select({ id: offboardings.id })
      .from(offboardings)
      .where(and(active, sql`${offboardings.eraseAfter} <= now()`, stale(staleMs)))
      .orderBy(offboardings.eraseAfter)
      .limit(1)
      .for('update', { skipLocked: true });
    const [row] = await this.db
      .update(offboardings)
      .set(this.claiming(worker))
      .where(and(inArray(offboardings.id, due), active))
      .returning();
    return row;
  }

  /** Takes one offboarding for `worker` if it is due and free (or already its own). */
  async claim(id: string, worker: string, staleMs: number): Promise<OffboardingRecord | undefined> {
    const [row] = await this.db
      .update(offboardings)
      .set(this.claiming(worker))
      .where(
        and(
          eq(offboardings.id, id),
          active,
          sql`${offboardings.eraseAfter} <= now()`,
          sql`(${offboardings.worker} = ${worker} OR ${stale(staleMs)})`,
        ),
      )
      .returning();
    return row;
  }

  private claiming(worker: string) {
    return {
      state: 'erasing' as const,
      worker,
      heartbeatAt: sql`now()`,
      attempts: sql`${offboardings.attempts} + 1`,
      startedAt: sql`coalesce(${offboardings.startedAt}, now())`,
    };
  }

  /** Keeps a claim alive; false once another worker has taken it over. */
  async heartbeat(id: string, worker: string): Promise<boolean> {
    const rows = await this.db
      .update(offboardings)
      .set({ heartbeatAt: sql`now()` })
      .where(and(eq(offboardings.id, id), eq(offboardings.worker, worker), active))
      .returning({ id: offboardings.id });
    return rows.length === 1;
  }

  /** Changes an offboarding only while `worker` holds it. */
  async updateClaimed(
    id: string,
    worker: string,
    changes: Partial<Pick<OffboardingRecord, 'plan' | 'export' | 'error'>>,
  ): Promise<boolean> {
    const rows = await this.db
      .update(offboardings)
      .set(changes)
      .where(and(eq(offboardings.id, id), eq(offboardings.worker, worker)))
      .returning({ id: offboardings.id });
    return rows.length === 1;
  }

  /** Lets go of a claim on an offboarding still waiting for its grace period (the CLI, once it exported). */
  async unclaim(id: string, worker: string): Promise<void> {
    await this.db
      .update(offboardings)
      .set({ worker: null, heartbeatAt: null })
      .where(and(eq(offboardings.id, id), eq(offboardings.worker, worker), eq(offboardings.state, 'scheduled')));
  }

  /** An attempt failed: the claim is let go and the erasure is tried again after `retryMs`. */
  async release(id: string, worker: string, error: string, retryMs: number): Promise<void> {
    await this.db
      .update(offboardings)
      .set({
        worker: null,
        heartbeatAt: null,
        error,
        eraseAfter: sql`now() + make_interval(secs => ${retryMs / 1000})`,
      })
      .where(and(eq(offboardings.id, id), eq(offboardings.worker, worker), active));
  }

  /** Ends the erasure (`done` or `failed`), audited as `tenant.erase` with the proof, in one transaction. */
  async finish(id: string, worker: string, end: OffboardingEnd): Promise<OffboardingRecord | undefined> {
    return this.db.transaction(async (tx) => {
      const [row] = await tx
        .update(offboardings)
        .set({ state: end.state, result: end.result, error: end.error, finishedAt: sql`now()` })
        .where(and(eq(offboardings.id, id), eq(offboardings.worker, worker), active))
        .returning();
      if (!row) return undefined;
      await appendAudit(tx, {
        actor: row.requestedBy,
        action: 'tenant.erase',
        target: row.tenantId,
        targetSlug: row.tenantSlug,
        outcome: end.state === 'done' ? 'succeeded' : 'failed',
        details: { offboardingId: row.id, ...end.audit, ...(end.error ? { error: end.error } : {}) },
      });
      return row;
    });
  }

  /**
   * Removes what the control plane holds under the tenant's id besides the tenant itself: its usage by
   * minute, its migration-ledger rows and its moves (they cascade with the tenant; gone here if the
   * tenant went first). Audit entries stay: the log is append-only, and the proof.
   */
  async eraseTenantTraces(tenantId: string): Promise<{ usageRows: number; ledgerRows: number; moves: number }> {
    return this.db.transaction(async (tx) => {
      const usage = await tx.delete(tenantUsage).where(eq(tenantUsage.tenantId, tenantId));
      const ledger = await tx.delete(migrationLedger).where(eq(migrationLedger.tenantId, tenantId));
      const gone = await tx.delete(moves).where(eq(moves.tenantId, tenantId));
      return { usageRows: usage.rowCount ?? 0, ledgerRows: ledger.rowCount ?? 0, moves: gone.rowCount ?? 0 };
    });
  }
}
