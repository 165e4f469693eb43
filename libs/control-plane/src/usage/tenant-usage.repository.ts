import { Injectable } from '@nestjs/common';
import { and, desc, eq, gte, sql } from 'drizzle-orm';
import { ControlPlaneDatabase } from '../control-plane-database';
import { tenants, tenantUsage } from '../schema/control-plane.schema';

export interface UsageCounts {
  requests: number;
  errors: number;
  dbMs: number;
  rows: number;
}

export interface UsageSample extends UsageCounts {
  tenantId: string;
  minute: Date;
}

export const USAGE_METRICS = ['requests', 'errors', 'dbMs', 'rows'] as const;
export type UsageMetric = (typeof USAGE_METRICS)[number];

const sums = {
  requests: sql<number>`coalesce(sum(${tenantUsage.requests}), 0)::float8`,
  errors: sql<number>`coalesce(sum(${tenantUsage.errors}), 0)::float8`,
  dbMs: sql<number>`coalesce(sum(${tenantUsage.dbMs}), 0)::float8`,
  rows: sql<number>`coalesce(sum(${tenantUsage.rows}), 0)::float8`,
};

/** Per-tenant usage by minute: added to by every API process, read by operators. */
@Injectable()
export class TenantUsageRepository {
  constructor(private readonly database: ControlPlaneDatabase) {}

  /**
   * Adds samples; samples of the same tenant and minute (from several processes) are summed. Samples of
   * a tenant that no longer exists are dropped: a process may flush what it counted after the tenant was
   * erased. The foreign key settles a race with the erasure: it fails the batch (the meter keeps it and
   * the next flush drops the sample) or the erasure's cascade removes the row.
   */
  async add(samples: UsageSample[]): Promise<void> {
    if (!samples.length) return;
    const values = sql.join(
      samples.map(
        (s) =>
          sql`(${s.tenantId}::uuid, ${s.minute.toISOString()}::timestamptz, ${s.requests}::bigint, ${s.errors}::bigint, ${s.dbMs}::bigint, ${s.rows}::bigint)`,
      ),
      sql`, `,
    );
    await this.database.db.execute(sql`
      INSERT INTO ${tenantUsage} AS u (tenant_id, minute, requests, errors, db_ms, rows)
      SELECT s.* FROM (VALUES ${values}) AS s (tenant_id, minute, requests, errors, db_ms, rows)
       WHERE EXISTS (SELECT 1 FROM ${tenants} t WHERE t.id = s.tenant_id)
      ON CONFLICT (tenant_id, minute) DO UPDATE
        SET requests = u.requests + excluded.requests, errors = u.errors + excluded.errors,
            db_ms = u.db_ms + excluded.db_ms, rows = u.rows + excluded.rows`);
  }

  /** A tenant's totals since `since`, and per hour. */
  async forTenant(
    tenantId: string,
    since: Date,
  ): Promise<{ total: UsageCounts; hours: (UsageCounts & { hour: Date })[] }> {
    const where = and(eq(tenantUsage.tenantId, tenantId), gte(tenantUsage.minute, since));
    const hour = sql<Date>`date_trunc('hour', ${tenantUsage.minute})`;
    const [total] = await this.database.db.select(sums).from(tenantUsage).where(where);
    const hours = await this.database.db
      .select({ hour, ...sums })
      .from(tenantUsage)
      .where(where)
      .groupBy(hour)
      .orderBy(hour);
    return { total: total ?? { requests: 0, errors: 0, dbMs: 0, rows: 0 }, hours };
  }

  /** Every tenant's usage since `since` (tenants with none are absent). */
  async totalsSince(since: Date): Promise<Map<string, UsageCounts>> {
    const rows = await this.database.db
      .select({ tenantId: tenantUsage.tenantId, ...sums })
      .from(tenantUsage)
      .where(gte(tenantUsage.minute, since))
      .groupBy(tenantUsage.tenantId);
    return new Map(rows.map(({ tenantId, ...counts }) => [tenantId, counts]));
  }

  /** The tenants using the most of `by` since `since`, heaviest first. */
  async top(
    by: UsageMetric,
    since: Date,
    limit: number,
  ): Promise<(UsageCounts & { tenantId: string; slug: string })[]> {
    return this.database.db
      .select({ tenantId: tenantUsage.tenantId, slug: tenants.slug, ...sums })
      .from(tenantUsage)
      .innerJoin(tenants, eq(tenants.id, tenantUsage.tenantId))
      .where(gte(tenantUsage.minute, since))
      .groupBy(tenantUsage.tenantId, tenants.slug)
      .orderBy(desc(sums[by]), tenants.slug)
      .limit(limit);
  }
}
