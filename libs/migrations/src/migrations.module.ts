import { Module } from '@nestjs/common';
import { SwitchyardConfig } from '@switchyard/config';
import { OwnerPools } from '@switchyard/postgres';
import { MigrationRunner } from './migration-runner';
import { MigrationSets } from './migration-sets';
import { FleetMigrationService } from './fleet/fleet-migration.service';
import { FleetTargets } from './fleet/fleet-targets';
import { MigrationRunsService } from './fleet/migration-runs.service';
import { MigrationStatusService } from './fleet/migration-status.service';

/** Needs ControlPlaneModule (global) for the ledger. */
@Module({
  providers: [
    MigrationRunner,
    MigrationSets,
    FleetTargets,
    FleetMigrationService,
    MigrationRunsService,
    MigrationStatusService,
    {
      provide: OwnerPools,
      inject: [SwitchyardConfig],
      useFactory: (config: SwitchyardConfig) => new OwnerPools(config.migrations.serverConcurrency),
    },
  ],
  exports: [
    MigrationRunner,
    MigrationSets,
    OwnerPools,
    FleetTargets,
    FleetMigrationService,
    MigrationRunsService,
    MigrationStatusService,
  ],
})
export class MigrationsModule {}
