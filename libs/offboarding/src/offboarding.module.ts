import { Module } from '@nestjs/common';
import { ArchiveModule, ArchiveService } from '@switchyard/archive';
import { MovesModule } from '@switchyard/moves';
import { ProvisioningModule } from '@switchyard/provisioning';
import { ErasureProver } from './erasure-proof';
import { OFFBOARDING_EXPORTER, type OffboardingExporter } from './offboarding-exporter';
import { OffboardingService } from './offboarding.service';
import { OffboardingWorker } from './offboarding-worker';
import { TenantEraser } from './tenant-eraser';

/** Archives come from @switchyard/archive: its export, audited `tenant.export` under the offboarding's requester. */
const archiveExporter = {
  provide: OFFBOARDING_EXPORTER,
  inject: [ArchiveService],
  useFactory: (archive: ArchiveService): OffboardingExporter => ({
    async exportTenant(tenantId, out, by) {
      const manifest = await archive.export(tenantId, out, { by });
      return {
        schemaVersion: manifest.schemaVersion,
        tables: manifest.tables.length,
        rows: manifest.tables.reduce((n, t) => n + t.rows, 0),
      };
    },
  }),
};

/** Needs ControlPlaneModule.forRoot('owner') and SwitchyardConfigModule (global). */
@Module({
  imports: [ProvisioningModule, MovesModule, ArchiveModule],
  providers: [OffboardingService, TenantEraser, ErasureProver, OffboardingWorker, archiveExporter],
  exports: [OffboardingService, OffboardingWorker, ErasureProver],
})
export class OffboardingModule {}
