import { Injectable } from '@nestjs/common';
import { DomainError } from '@switchyard/errors';
import { isUuid } from '@switchyard/postgres';
import { SYSTEM_ACTOR, type AuditActor } from '../audit/audit-actor';
import { PlacementInvalidations } from '../invalidations/placement-invalidations';
import type { TenantEdit, TenantListFilter, TenantRecord } from './tenant.types';
import { TenantsRepository } from './tenants.repository';
import { TENANT_STATUSES, TIERS, type TenantStatus, type Tier } from '../schema/control-plane.schema';

export const SLUG_PATTERN = /^[a-z][a-z0-9-]{2,62}$/;

/** The audited action an edit is: a status change is a suspend or a resume, anything else an update. */
export function tenantEditAction(changes: { status?: unknown }): string {
  if (changes.status === 'suspended') return 'tenant.suspend';
  if (changes.status === 'active') return 'tenant.resume';
  return 'tenant.update';
}

/** Reads and edits tenants. Creation and deletion touch storage and live in @switchyard/provisioning. */
@Injectable()
export class TenantsService {
  constructor(
    private readonly tenants: TenantsRepository,
    private readonly invalidations: PlacementInvalidations,
  ) {}

  /** Finds a tenant by UUID or by slug; anything else is simply not found. */
  async get(idOrSlug: string): Promise<TenantRecord> {
    const tenant = isUuid(idOrSlug)
      ? await this.tenants.findById(idOrSlug)
      : SLUG_PATTERN.test(idOrSlug)
        ? await this.tenants.findBySlug(idOrSlug)
        : undefined;
    if (!tenant) throw new DomainError('TENANT_NOT_FOUND', `No tenant ${JSON.stringify(idOrSlug)}`);
    return tenant;
  }

  list(filter: TenantListFilter): Promise<TenantRecord[]> {
    return this.tenants.list(filter);
  }

  count(filter: Omit<TenantListFilter, 'limit'>): Promise<number> {
    return this.tenants.count(filter);
  }

  /** Tenants per tier and per status. */
  async census(): Promise<{ total: number; byTier: Record<Tier, number>; byStatus: Record<TenantStatus, number> }> {
    const byTier = Object.fromEntries(TIERS.map((t) => [t, 0])) as Record<Tier, number>;
    const byStatus = Object.fromEntries(TENANT_STATUSES.map((s) => [s, 0])) as Record<TenantStatus, number>;
    let total = 0;
    for (const row of await this.tenants.census()) {
      byTier[row.tier] += row.n;
      byStatus[row.status] += row.n;
      total += row.n;
    }
    return { total, byTier, byStatus };
  }

  /** Renames, suspends or resumes; the change and its audit record commit together. */
  async update(idOrSlug: string, changes: TenantEdit, by: AuditActor = SYSTEM_ACTOR): Promise<TenantRecord> {
    const tenant = await this.get(idOrSlug);
    if (changes.status && tenant.status !== 'active' && tenant.status !== 'suspended') {
      throw new DomainError(
        'TENANT_NOT_ACTIVE',
        `Tenant ${tenant.slug} is ${tenant.status}; its status cannot be changed now`,
      );
    }
    const updated = await this.tenants.edit(tenant.id, changes, by, tenantEditAction(changes));
    if (!updated && changes.status === 'active' && (await this.tenants.findById(tenant.id)))
      throw new DomainError(
        'TENANT_NOT_ACTIVE',
        `Tenant ${tenant.slug} is being offboarded; cancel the offboarding to resume it (it stays suspended)`,
      );
    if (!updated) throw new DomainError('TENANT_NOT_FOUND', `No tenant ${JSON.stringify(idOrSlug)}`);
    await this.invalidations.publish(tenant.id);
    return updated;
  }
}
