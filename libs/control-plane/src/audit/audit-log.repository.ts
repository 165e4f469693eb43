import { Injectable } from '@nestjs/common';
import { and, desc, eq, lt, type SQL } from 'drizzle-orm';
import { ControlPlaneDatabase } from '../control-plane-database';
import { auditLog, type AuditOutcome } from '../schema/control-plane.schema';

export interface AuditEntry {
  actor: string;
  action: string;
  target: string | null;
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
  target?: string;
  limit: number;
  /** Continue below this id (newest first). */
  beforeId?: number;
}

@Injectable()
export class AuditLogRepository {
  constructor(private readonly database: ControlPlaneDatabase) {}

  async append(entry: AuditEntry): Promise<void> {
    await this.database.db.insert(auditLog).values({ ...entry, details: entry.details ?? null });
  }

  async list(filter: AuditFilter): Promise<AuditRecord[]> {
    const conditions: SQL[] = [];
    if (filter.actor) conditions.push(eq(auditLog.actor, filter.actor));
    if (filter.action) conditions.push(eq(auditLog.action, filter.action));
    if (filter.target) conditions.push(eq(auditLog.target, filter.target));
    if (filter.beforeId) conditions.push(lt(auditLog.id, filter.beforeId));
    const rows = await this.database.db
      .select()
      .from(auditLog)
      .where(and(...conditions))
      .orderBy(desc(auditLog.id))
      .limit(filter.limit);
    return rows.map((r) => ({ ...r, details: (r.details as Record<string, unknown> | null) ?? undefined }));
  }
}
