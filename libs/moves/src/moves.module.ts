import { Module } from '@nestjs/common';
import { ProvisioningModule } from '@switchyard/provisioning';
import { MoveCleanup } from './move-cleanup';
import { MoveEndpoints } from './move-endpoints';
import { MoveRunner } from './move-runner';
import { MoveStorage } from './move-storage';
import { MoveWorker } from './move-worker';
import { DrainService } from './drain.service';
import { MovesService } from './moves.service';
import { SchemaVersions } from './schema-versions';

/** Needs ControlPlaneModule.forRoot('owner') and SwitchyardConfigModule (global). */
@Module({
  imports: [ProvisioningModule],
  providers: [
    MovesService,
    DrainService,
    MoveRunner,
    MoveEndpoints,
    MoveCleanup,
    MoveStorage,
    MoveWorker,
    SchemaVersions,
  ],
  // MoveStorage and MoveEndpoints: offboarding removes what moves left behind, the way moves do.
  exports: [MovesService, DrainService, MoveRunner, MoveWorker, MoveStorage, MoveEndpoints],
})
export class MovesModule {}
