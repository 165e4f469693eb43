import { randomUUID } from 'node:crypto';
import { Inject, Injectable, Logger } from '@nestjs/common';
import {
  PlacementInvalidations,
  SLUG_PATTERN,
  SYSTEM_ACTOR,
  TenantsRepository,
  TenantsService,
  type AuditActor,
  type TenantRecord,
  type Tier,
} from '@switchyard/control-plane';
import { DomainError } from '@switchyard/errors';
import { isPgError, PgErrorCode } from '@switchyard/postgres';
import { PlacementPolicy } from './placement-policy';
import { TIER_PROVISIONERS, type TierProvisioner } from './tiers/tier-provisioner';

export interface CreateTenantInput {
  slug: string;
  name: string;
  tier: Tier;
  /** A registered server (default: by the placement policy). */
  server?: string;
  /** A shared cell, for shared and schema tenants (default: by the placement policy). */
  cell?: string;
}

/**
 * Onboards and offboards tenants. A tenant is inserted as `provisioning`, its storage is created, and
 * only then does it become `active`; a failed or crashed provisioning leaves it `provisioning`, and
 * creating the same slug in the same tier again resumes it. `by` is recorded with the tenant becoming
 * active (`tenant.create`) and with its removal (`tenant.delete`), in the same transactions.
 */
@Injectable()
export class TenantLifecycleService {
  private readonly logger = new Logger(TenantLifecycleService.name);
  private readonly byTier: Map<Tier, TierProvisioner>;

  constructor(
    @Inject(TIER_PROVISIONERS) provisioners: TierProvisioner[],
    private readonly tenants: TenantsRepository,
    private readonly tenantsService: TenantsService,
    private readonly placement: PlacementPolicy,
    private readonly invalidations: PlacementInvalidations,
  ) {
    this.byTier = new Map(provisioners.map((p) => [p.tier, p]));
  }

  async create(
    input: CreateTenantInput,
    by: AuditActor = SYSTEM_ACTOR,
  ): Promise<{ tenant: TenantRecord; resumed: boolean }> {
    if (!SLUG_PATTERN.test(input.slug)) {
      throw new DomainError('VALIDATION_FAILED', 'slug must match ^[a-z][a-z0-9-]{2,62}$');
    }
    const provisioner = this.provisioner(input.tier);
    const existing = await this.tenants.findBySlug(input.slug);
    if (existing) {
      if (existing.status !== 'provisioning' || existing.tier !== input.tier) {
        throw new DomainError('TENANT_EXISTS', `A tenant with slug ${input.slug} already exists`);
      }
      this.logger.log(`resuming provisioning of ${input.slug}`);
      return { tenant: await this.finishProvisioning(existing, provisioner, by), resumed: true };
    }
    const id = randomUUID();
    const placement = await this.placement.place(id, input);
    let tenant: TenantRecord;
    try {
      tenant = await this.tenants.insert({
        id,
        slug: input.slug,
        name: input.name,
        tier: input.tier,
        placement,
      });
    } catch (error) {
      if (isPgError(error, PgErrorCode.uniqueViolation)) {
        throw new DomainError('TENANT_EXISTS', `A tenant with slug ${input.slug} already exists`);
      }
      throw error;
    }
    return { tenant: await this.finishProvisioning(tenant, provisioner, by), resumed: false };
  }

  /**
   * Offboards: removes the tenant's data in its tier, then the tenant. Re-runnable: if the last step
   * (the tenant row, with its record) fails, the tenant stays `deleting` until a delete is run again.
   */
  async delete(idOrSlug: string, by: AuditActor = SYSTEM_ACTOR): Promise<void> {
    const tenant = await this.tenantsService.get(idOrSlug);
    if (tenant.state === 'moving') throw new DomainError('TENANT_MOVING', `Tenant ${tenant.slug} is being moved`);
    await this.tenants.update(tenant.id, { status: 'deleting' });
    await this.invalidations.publish(tenant.id);
    await this.provisioner(tenant.tier).deprovision(tenant);
    await this.tenants.delete(tenant.id, by);
    await this.invalidations.publish(tenant.id);
  }

  private async finishProvisioning(
    tenant: TenantRecord,
    provisioner: TierProvisioner,
    by: AuditActor,
  ): Promise<TenantRecord> {
    const started = Date.now();
    const schemaVersion = await provisioner.provision(tenant);
    await this.tenants.markProvisioned(tenant.id, schemaVersion, by);
    await this.invalidations.publish(tenant.id);
    this.logger.log(`provisioned ${tenant.slug} (${tenant.tier}) in ${Date.now() - started} ms`);
    return (await this.tenants.findById(tenant.id))!;
  }

  private provisioner(tier: Tier): TierProvisioner {
    const provisioner = this.byTier.get(tier);
    if (!provisioner) throw new DomainError('VALIDATION_FAILED', `tier must be one of shared, schema, database`);
    return provisioner;
  }
}
