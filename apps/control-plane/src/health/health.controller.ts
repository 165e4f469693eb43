import { Controller, Get } from '@nestjs/common';
import { HealthCheck, HealthCheckService } from '@nestjs/terminus';
import { ControlPlaneDatabase } from '@switchyard/control-plane';
import { ApiDoc, PostgresHealthIndicator } from '@switchyard/http';
import { MigrationsReadiness } from '../migrations/migrations-readiness';

@Controller('health')
export class HealthController {
  constructor(
    private readonly health: HealthCheckService,
    private readonly postgres: PostgresHealthIndicator,
    private readonly controlPlane: ControlPlaneDatabase,
    private readonly migrations: MigrationsReadiness,
  ) {}

  @Get('live')
  @ApiDoc({ summary: 'Liveness: the process is up', public: true })
  @HealthCheck()
  live() {
    return this.health.check([]);
  }

  /** Down only when the control-plane database does not answer; targets behind are reported, not failed. */
  @Get('ready')
  @ApiDoc({ summary: 'Readiness: the control-plane database answers (503 when not)', public: true })
  @HealthCheck()
  ready() {
    return this.health.check([
      () => this.postgres.ping('control-plane', this.controlPlane.pool),
      () => this.migrations.indicator('migrations'),
    ]);
  }
}
