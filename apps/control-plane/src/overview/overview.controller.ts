import { Controller, Get, UseGuards } from '@nestjs/common';
import { OpsGuard } from '@switchyard/auth';
import { MovesRepository, ServerOverviews, TenantsService } from '@switchyard/control-plane';
import { ApiDoc } from '@switchyard/http';
import { MigrationStatusService } from '@switchyard/migrations';
import { moveView } from '../moves/move.view';
import { DoctorSummary } from './doctor-summary';
import type { z } from 'zod';
import type { JsonOf } from '../control-plane.responses';
import { overviewResponse } from './overview.responses';

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
    response: overviewResponse,
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

// The documented schemas and the handlers must agree: this stops compiling when one changes alone.
export const overviewMatchesSchema: (
  v: JsonOf<Awaited<ReturnType<OverviewController['overview']>>>,
) => z.infer<typeof overviewResponse> = (v) => v;
