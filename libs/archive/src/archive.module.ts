import { Module } from '@nestjs/common';
import { ProvisioningModule } from '@switchyard/provisioning';
import { ArchiveLoader } from './archive-loader';
import { ArchiveService } from './archive.service';
import { ReplaceFence } from './replace-fence';
import { ReplaceFreezeRepository } from './replace-freeze.repository';
import { TenantSnapshots } from './tenant-snapshot';

/** Needs ControlPlaneModule.forRoot('owner') and SwitchyardConfigModule (both global). */
@Module({
  imports: [ProvisioningModule],
  providers: [ArchiveService, TenantSnapshots, ArchiveLoader, ReplaceFence, ReplaceFreezeRepository],
  exports: [ArchiveService],
})
export class ArchiveModule {}
