import type { PlacementLocation, TenantRecord, Tier } from '@switchyard/control-plane';

/**
 * Creates and removes a tenant's storage in one tier. Three implementations (shared, schema,
 * database); every method is idempotent so a crashed provisioning or offboarding can simply be re-run.
 */
export interface TierProvisioner {
  readonly tier: Tier;
  /**
   * Where a tenant of this tier lives at `site`: a cell's database for shared and schema tenants, a
   * server for database tenants (its database and schema derived from the tenant id only, I6).
   */
  location(tenantId: string, site: Site): PlacementLocation;
  /** Creates the storage and brings it to the latest migration; returns that migration's name. */
  provision(tenant: TenantRecord): Promise<string | null>;
  /** Removes the tenant's rows (shared) or its schema/database. */
  deprovision(tenant: TenantRecord): Promise<void>;
}

/** A server, and for shared and schema tenants the database of the cell on it. */
export interface Site {
  server: string;
  database: string;
}

export const TIER_PROVISIONERS = Symbol('TIER_PROVISIONERS');
