import { Injectable } from '@nestjs/common';
import { SwitchyardConfig } from '@switchyard/config';
import {
  CellsRepository,
  ServerDirectory,
  TenantsRepository,
  type TenantRecord,
  type Tier,
} from '@switchyard/control-plane';
import { DomainError } from '@switchyard/errors';
import { type MigrationTarget, sharedTargetKey, templateTargetKey, tenantTargetKey } from '../migration-target';

/** What kind of place a target is: the template databases are cloned into new tenant databases. */
export type TargetKind = 'shared' | 'template' | 'schema' | 'database';

export interface FleetTarget extends MigrationTarget {
  kind: TargetKind;
  tenantSlug: string | null;
}

export interface TargetFilter {
  tiers?: Tier[];
  /**
   * Tenant slugs or ids; limits the run to those tenants' targets (no shared or template targets). One
   * that names no tenant is TENANT_NOT_FOUND: a typo must not pass as a green run over nothing.
   */
  tenants?: string[];
  server?: string;
}

/**
 * Every place the tenant migration set lives: each shared database and template database per server,
 * each schema tenant and each database tenant (tenants being provisioned or offboarded are left to the
 * process doing that). Ordered: shared and template first, then tenants by slug.
 */
@Injectable()
export class FleetTargets {
  constructor(
    private readonly config: SwitchyardConfig,
    private readonly tenants: TenantsRepository,
    private readonly cells: CellsRepository,
    private readonly servers: ServerDirectory,
  ) {}

  async list(filter: TargetFilter = {}): Promise<FleetTarget[]> {
    const { sharedDatabase, templateDatabase, appRole } = this.config.names;
    const all = await this.tenants.all();
    this.refuseUnknown(all, filter.tenants);
    const wanted = filter.tenants ? new Set(filter.tenants) : undefined;
    const targets: FleetTarget[] = [];
    const base = (server: string, database: string) => ({
      set: 'tenant' as const,
      server,
      database,
      url: this.servers.ownerUrl(server, database),
      appRole,
    });

    if (!wanted) {
      // Each shared cell once (registered, or holding a tenant), ordered by server then database.
      const sharedCells = new Map<string, { server: string; database: string }>();
      const addCell = (server: string, database: string) =>
        sharedCells.set(`${server}/${database}`, { server, database });
      addCell('primary', sharedDatabase);
      for (const c of await this.cells.listWithLoad()) addCell(c.server, c.database);
      for (const t of all) if (t.tier === 'shared') addCell(t.placement.server, t.placement.database);
      const cells = [...sharedCells].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
      for (const [, { server, database }] of cells) {
        targets.push({
          ...base(server, database),
          key: sharedTargetKey(server, database),
          kind: 'shared',
          tier: 'shared',
          tenantId: null,
          tenantSlug: null,
          schema: 'public',
        });
      }
      for (const server of this.servers.names()) {
        targets.push({
          ...base(server, templateDatabase),
          key: templateTargetKey(server, templateDatabase),
          kind: 'template',
          template: true,
          tier: 'database',
          tenantId: null,
          tenantSlug: null,
          schema: 'public',
        });
      }
    }
    for (const t of all) {
      if (t.tier === 'shared' || t.status === 'provisioning' || t.status === 'deleting') continue;
      if (wanted && !wanted.has(t.slug) && !wanted.has(t.id)) continue;
      targets.push({
        ...base(t.placement.server, t.placement.database),
        key: tenantTargetKey(t.tier, t.id),
        kind: t.tier,
        tier: t.tier,
        tenantId: t.id,
        tenantSlug: t.slug,
        schema: t.placement.schema,
      });
    }
    return targets.filter(
      (t) => (!filter.tiers || filter.tiers.includes(t.tier)) && (!filter.server || t.server === filter.server),
    );
  }

  /** Throws TENANT_NOT_FOUND naming every slug or id in `refs` that is no tenant's. */
  async assertTenantsExist(refs: string[] | undefined): Promise<void> {
    if (refs?.length) this.refuseUnknown(await this.tenants.all(), refs);
  }

  private refuseUnknown(all: TenantRecord[], refs: string[] | undefined): void {
    if (!refs?.length) return;
    const known = new Set(all.flatMap((t) => [t.slug, t.id]));
    const unknown = [...new Set(refs)].filter((ref) => !known.has(ref));
    if (!unknown.length) return;
    const named = unknown.map((ref) => JSON.stringify(ref)).join(', ');
    throw new DomainError('TENANT_NOT_FOUND', `No tenant ${named}`, { tenants: unknown });
  }
}
