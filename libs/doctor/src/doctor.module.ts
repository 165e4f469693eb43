import { Module } from '@nestjs/common';
import { MigrationsModule } from '@switchyard/migrations';
import { CatalogRepository } from './catalog.repository';
import { DoctorService } from './doctor.service';

/** Needs ControlPlaneModule (global) and SwitchyardConfigModule; FleetTargets and OwnerPools come from MigrationsModule. */
@Module({
  imports: [MigrationsModule],
  providers: [CatalogRepository, DoctorService],
  exports: [DoctorService],
})
export class DoctorModule {}
