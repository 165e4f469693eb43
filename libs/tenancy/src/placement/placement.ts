import type { PlacementState, TenantStatus, Tier } from '@switchyard/control-plane';

/** What the router needs to know about a tenant, as read from the control plane. */
export interface Placement {
  tenantId: string;
  slug: string;
  name: string;
  status: TenantStatus;
  tier: Tier;
  server: string;
  database: string;
  schema: string;
  version: number;
  /** `frozen` while a move's cutover runs: requests wait for the new placement. */
  state: PlacementState;
}
