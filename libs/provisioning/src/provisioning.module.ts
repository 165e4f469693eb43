import { Module } from '@nestjs/common';
import { MigrationsModule } from '@switchyard/migrations';
import { CellsService } from './cells.service';
import { InstallationService } from './installation.service';
import { PlacementPolicy } from './placement-policy';
import { TenantFootprint } from './tenant-footprint';
import { TenantLifecycleService } from './tenant-lifecycle.service';
import { DatabaseTierProvisioner } from './tiers/database-tier.provisioner';
import { SchemaTierProvisioner } from './tiers/schema-tier.provisioner';
import { SharedTierProvisioner } from './tiers/shared-tier.provisioner';
import { TIER_PROVISIONERS } from './tiers/tier-provisioner';

/** Needs ControlPlaneModule.forRoot('owner') and SwitchyardConfigModule (both global). */
@Module({
  imports: [MigrationsModule],
  providers: [
    SharedTierProvisioner,
    SchemaTierProvisioner,
    DatabaseTierProvisioner,
    {
      provide: TIER_PROVISIONERS,
      inject: [SharedTierProvisioner, SchemaTierProvisioner, DatabaseTierProvisioner],
      useFactory: (...provisioners) => provisioners,
    },
    InstallationService,
    CellsService,
    PlacementPolicy,
    TenantFootprint,
    TenantLifecycleService,
  ],
  exports: [
    InstallationService,
    CellsService,
    PlacementPolicy,
    TenantFootprint,
    TenantLifecycleService,
    MigrationsModule,
    TIER_PROVISIONERS,
  ],
})
export class ProvisioningModule {}
