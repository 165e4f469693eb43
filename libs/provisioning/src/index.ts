export { ProvisioningModule } from './provisioning.module';
export { InstallationService } from './installation.service';
export type { TenantTargetsMode } from './installation.service';
export { TenantLifecycleService } from './tenant-lifecycle.service';
export type { CreateTenantInput } from './tenant-lifecycle.service';
export { TIER_PROVISIONERS } from './tiers/tier-provisioner';
export type { TierProvisioner } from './tiers/tier-provisioner';
