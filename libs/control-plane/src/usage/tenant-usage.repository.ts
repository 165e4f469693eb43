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

  /** Adds samples; samples of the same tenant and minute (from several processes) are summed. */
  async add(samples: UsageSample[]): Promise<void> {
    if (!samples.length) return;
    await this.database.db
      .insert(tenantUsage)
      .values(samples)
      .onConflictDoUpdate({
        target: [tenantUsage.tenantId, tenantUsage.minute],
        set: {
          requests: sql`${tenantUsage.requests} + excluded.requests`,
          errors: sql`${tenantUsage.errors} + excluded.errors`,
          dbMs: sql`${tenantUsage.dbMs} + excluded.db_ms`,
          rows: sql`${tenantUsage.rows} + excluded.rows`,
        },
      });
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
