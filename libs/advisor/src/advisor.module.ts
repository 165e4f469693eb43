import { Module } from '@nestjs/common';
import { ProvisioningModule } from '@switchyard/provisioning';
import { FleetSizes } from './fleet-sizes';
import { MoveEstimator } from './move-estimator';
import { PlacementAdvisor } from './placement-advisor';

/** Needs ControlPlaneModule.forRoot('owner') and SwitchyardConfigModule (global). */
@Module({
  imports: [ProvisioningModule],
  providers: [FleetSizes, MoveEstimator, PlacementAdvisor],
  exports: [MoveEstimator, PlacementAdvisor],
})
export class AdvisorModule {}
