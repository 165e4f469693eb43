import { type DynamicModule, Module } from '@nestjs/common';
import { AuthModule } from '@switchyard/auth';
import { SwitchyardConfig, SwitchyardConfigModule } from '@switchyard/config';
import { ArchiveModule } from '@switchyard/archive';
import { ControlPlaneModule } from '@switchyard/control-plane';
import { DoctorModule } from '@switchyard/doctor';
import { MovesModule } from '@switchyard/moves';
import { OffboardingModule } from '@switchyard/offboarding';
import { ProvisioningModule } from '@switchyard/provisioning';

/** What CLI commands work with: owner access to the control plane, provisioning, the doctor, token minting. */
@Module({})
export class CliModule {
  static forRoot(config: SwitchyardConfig): DynamicModule {
    return {
      module: CliModule,
      imports: [
        SwitchyardConfigModule.forRoot(config),
        ControlPlaneModule.forRoot('owner'),
        ProvisioningModule,
        MovesModule,
        ArchiveModule,
        OffboardingModule,
        DoctorModule,
        AuthModule,
      ],
    };
  }
}
