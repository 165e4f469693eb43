import type { AuditLogRepository, AuditRecord } from '@switchyard/control-plane';

export interface AuditQuery {
  actor?: string;
  action?: string;
  /** A tenant id or slug (or a migration run id). */
  target?: string;
  /** Only entries at or after this time. */
  since?: Date;
  limit: number;
  /** Continue below this entry id: the `nextCursor` of the page before. */
  beforeId?: number;
}

export interface AuditPage {
  items: AuditRecord[];
  nextCursor: string | null;
}

/**
 * A page of the audit trail as GET /v1/audit gives it: newest first, and `nextCursor` (the last id)
 * when older entries match (one row past the limit tells).
 */
export async function auditPage(audit: AuditLogRepository, query: AuditQuery): Promise<AuditPage> {
  const rows = await audit.list({ ...query, limit: query.limit + 1 });
  const items = rows.slice(0, query.limit);
  const last = items.at(-1);
  return { items, nextCursor: rows.length > query.limit && last ? String(last.id) : null };
}
