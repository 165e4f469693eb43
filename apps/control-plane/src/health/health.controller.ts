import { Controller, Get } from '@nestjs/common';
import { HealthCheck, HealthCheckService } from '@nestjs/terminus';
import { ControlPlaneDatabase } from '@switchyard/control-plane';
import { PostgresHealthIndicator } from '@switchyard/http';
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
  @HealthCheck()
  live() {
    return this.health.check([]);
  }

  /** Down only when the control-plane database does not answer; targets behind are reported, not failed. */
  @Get('ready')
  @HealthCheck()
  ready() {
    return this.health.check([
      () => this.postgres.ping('control-plane', this.controlPlane.pool),
      () => this.migrations.indicator('migrations'),
    ]);
  }
}
