import { Injectable } from '@nestjs/common';
import { SwitchyardConfig, type TierLimits } from '@switchyard/config';
import { TenantsService, TenantUsageRepository, type TenantRecord, type Tier } from '@switchyard/control-plane';
import { FleetSizes, type TenantSize } from './fleet-sizes';

/** The tier a tenant that outgrew its own is advised to move to. */
const NEXT_TIER: Partial<Record<Tier, Tier>> = { shared: 'schema', schema: 'database' };
/** The advisor reads every tenant: more than this is not an interactive question. */
const MAX_TENANTS = 100_000;

export interface Candidate {
  tenantId: string;
  slug: string;
  tier: Tier;
  server: string;
  rows: number;
  bytes: number;
  sizeApproximate: boolean;
  requestsPerHour: number;
  dbMsPerHour: number;
  /** The largest measure/limit ratio: above 1 means over a limit; candidates are ranked by it. */
  score: number;
  reasons: string[];
  suggestion: { tier: Tier; server: string | null };
}

export interface CandidateReport {
  windowHours: number;
  limits: { shared: TierLimits; schema: TierLimits };
  items: Candidate[];
}

/**
 * Upgrade candidates: tenants whose size or traffic is above the limits set for their tier
 * (ADVISOR_SHARED_LIMITS, ADVISOR_SCHEMA_LIMITS), worst first, each with the move that fixes it —
 * the next tier, on the same server.
 */
@Injectable()
export class PlacementAdvisor {
  constructor(
    private readonly config: SwitchyardConfig,
    private readonly tenants: TenantsService,
    private readonly usage: TenantUsageRepository,
    private readonly sizes: FleetSizes,
  ) {}

  async candidates(windowHours: number, limit: number): Promise<CandidateReport> {
    const active = (await this.tenants.list({ status: 'active', limit: MAX_TENANTS })).filter((t) => NEXT_TIER[t.tier]);
    const [usage, sizes] = await Promise.all([
      this.usage.totalsSince(new Date(Date.now() - windowHours * 3_600_000)),
      this.sizes.of(active),
    ]);
    const items = active
      .map((tenant) => {
        const counts = usage.get(tenant.id);
        return this.assess(tenant, sizes.get(tenant.id), {
          requestsPerHour: Math.round((counts?.requests ?? 0) / windowHours),
          dbMsPerHour: Math.round((counts?.dbMs ?? 0) / windowHours),
        });
      })
      .filter((c): c is Candidate => c !== undefined)
      .sort((a, b) => b.score - a.score || a.slug.localeCompare(b.slug))
      .slice(0, limit);
    return { windowHours, limits: this.config.advisor, items };
  }

  private assess(
    tenant: TenantRecord,
    size: TenantSize | undefined,
    traffic: { requestsPerHour: number; dbMsPerHour: number },
  ): Candidate | undefined {
    const next = NEXT_TIER[tenant.tier];
    const limits = tenant.tier === 'shared' ? this.config.advisor.shared : this.config.advisor.schema;
    if (!next) return undefined;
    const measures = { rows: size?.rows ?? 0, ...traffic };
    const reasons: string[] = [];
    let score = 0;
    for (const key of ['rows', 'requestsPerHour', 'dbMsPerHour'] as const) {
      const ratio = measures[key] / limits[key];
      score = Math.max(score, ratio);
      if (ratio > 1)
        reasons.push(`${LABELS[key]} ${measures[key].toLocaleString('en')} > ${limits[key].toLocaleString('en')}`);
    }
    if (reasons.length === 0) return undefined;
    return {
      tenantId: tenant.id,
      slug: tenant.slug,
      tier: tenant.tier,
      server: tenant.placement.server,
      rows: measures.rows,
      bytes: size?.bytes ?? 0,
      sizeApproximate: size?.approximate ?? false,
      requestsPerHour: traffic.requestsPerHour,
      dbMsPerHour: traffic.dbMsPerHour,
      score: Math.round(score * 100) / 100,
      reasons,
      suggestion: { tier: next, server: null },
    };
  }
}

const LABELS = { rows: 'rows', requestsPerHour: 'requests per hour', dbMsPerHour: 'database ms per hour' };
