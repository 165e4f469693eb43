import { Injectable } from '@nestjs/common';
import { and, desc, eq, gte, lt, or, type SQL } from 'drizzle-orm';
import { ControlPlaneDatabase, type ControlPlaneDrizzle } from '../control-plane-database';
import { auditLog, type AuditOutcome } from '../schema/control-plane.schema';
import { auditText } from './audit-actor';

export interface AuditEntry {
  actor: string;
  action: string;
  /** The tenant id for tenant actions (moves included), the run id for a migration run. */
  target: string | null;
  /** The tenant's slug, when the action is about a tenant. */
  targetSlug?: string | null;
  outcome: AuditOutcome;
  details?: Record<string, unknown>;
}

export interface AuditRecord extends AuditEntry {
  id: number;
  at: Date;
}

export interface AuditFilter {
  actor?: string;
  action?: string;
  /** A tenant id or slug, or a run id. */
  target?: string;
  limit: number;
  /** Continue below this id (newest first). */
  beforeId?: number;
  /** Entries at or after, and before, these times. */
  since?: Date;
  until?: Date;
}

/** The database or a transaction of it: an action's record is written where its effect is. */
export type AuditWriter = Pick<ControlPlaneDrizzle, 'insert'>;

/** jsonb refuses NUL in strings: an error message quoting hostile input must not fail the record. */
function storableDetails(details: Record<string, unknown> | undefined): unknown {
  if (!details) return null;
  const withoutNul = (_key: string, value: unknown) =>
    typeof value === 'string' ? value.replaceAll('\u0000', '\\u0000') : value;
  return JSON.parse(JSON.stringify(details, withoutNul));
}

/**
 * Appends one entry with `writer` — inside the transaction of the action it records, so the action
 * and its record commit or roll back together. Text from outside is escaped and bounded first, so
 * no actor string can make the insert fail.
 */
export async function appendAudit(writer: AuditWriter, entry: AuditEntry): Promise<void> {
  await writer.insert(auditLog).values({
    actor: auditText(entry.actor) || 'unknown',
    action: entry.action,
    target: entry.target === null ? null : auditText(entry.target),
    targetSlug: entry.targetSlug ? auditText(entry.targetSlug) : null,
    outcome: entry.outcome,
    details: storableDetails(entry.details),
  });
}

@Injectable()
export class AuditLogRepository {
  constructor(private readonly database: ControlPlaneDatabase) {}

  /** An entry on its own: a refusal, which has no effect to share a transaction with. */
  async append(entry: AuditEntry): Promise<void> {
    await appendAudit(this.database.db, entry);
  }

  async list(filter: AuditFilter): Promise<AuditRecord[]> {
    const conditions: (SQL | undefined)[] = [];
    if (filter.actor) conditions.push(eq(auditLog.actor, filter.actor));
    if (filter.action) conditions.push(eq(auditLog.action, filter.action));
    if (filter.target) conditions.push(or(eq(auditLog.target, filter.target), eq(auditLog.targetSlug, filter.target)));
    if (filter.beforeId) conditions.push(lt(auditLog.id, filter.beforeId));
    if (filter.since) conditions.push(gte(auditLog.at, filter.since));
    if (filter.until) conditions.push(lt(auditLog.at, filter.until));
    const rows = await this.database.db
      .select()
      .from(auditLog)
      .where(and(...conditions))
      .orderBy(desc(auditLog.id))
      .limit(filter.limit);
    return rows.map((r) => ({ ...r, details: (r.details as Record<string, unknown> | null) ?? undefined }));
  }
}
