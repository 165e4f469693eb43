import { Controller, Get, UseGuards } from '@nestjs/common';
import { OpsGuard } from '@switchyard/auth';
import { MovesRepository, ServerOverviews, TenantsService } from '@switchyard/control-plane';
import { ApiDoc } from '@switchyard/http';
import { MigrationStatusService } from '@switchyard/migrations';
import { anyObject } from '../control-plane.schemas';
import { moveView } from '../moves/move.view';
import { DoctorSummary } from './doctor-summary';

/** The fleet at a glance, in one call: what the console's first page shows. */
@Controller('v1/overview')
@UseGuards(OpsGuard)
export class OverviewController {
  constructor(
    private readonly tenants: TenantsService,
    private readonly servers: ServerOverviews,
    private readonly migrations: MigrationStatusService,
    private readonly moves: MovesRepository,
    private readonly doctor: DoctorSummary,
  ) {}

  @Get()
  @ApiDoc({
    summary: 'Tenants per tier and status, servers, migration status per tier, running moves, doctor status',
    response: anyObject,
  })
  async overview() {
    const [tenants, servers, migrations, running, doctor] = await Promise.all([
      this.tenants.census(),
      this.servers.list(),
      this.migrations.status(),
      this.moves.listActive(),
      this.doctor.latest(),
    ]);
    return {
      tenants,
      servers,
      migrations: { latest: migrations.latest, controlPlane: migrations.controlPlane, summary: migrations.summary },
      moves: { running: running.map(moveView) },
      doctor,
    };
  }
}
