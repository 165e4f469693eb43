import type { PlacementLocation, TenantRecord, Tier } from '@switchyard/control-plane';

/**
 * Creates and removes a tenant's storage in one tier. Three implementations (shared, schema,
 * database); every method is idempotent so a crashed provisioning or offboarding can simply be re-run.
 */
export interface TierProvisioner {
  readonly tier: Tier;
  /** Where a tenant of this tier lives on `server`; derived from the tenant id only (I6). */
  location(tenantId: string, server: string): PlacementLocation;
  /** Creates the storage and brings it to the latest migration; returns that migration's name. */
  provision(tenant: TenantRecord): Promise<string | null>;
  /** Removes the tenant's rows (shared) or its schema/database. */
  deprovision(tenant: TenantRecord): Promise<void>;
}

export const TIER_PROVISIONERS = Symbol('TIER_PROVISIONERS');
