import { Controller, Get } from '@nestjs/common';
import { HealthCheck, HealthCheckService } from '@nestjs/terminus';
import { ControlPlaneDatabase } from '@switchyard/control-plane';
import { PostgresHealthIndicator } from '@switchyard/http';

@Controller('health')
export class HealthController {
  constructor(
    private readonly health: HealthCheckService,
    private readonly postgres: PostgresHealthIndicator,
    private readonly controlPlane: ControlPlaneDatabase,
  ) {}

  @Get('live')
  @HealthCheck()
  live() {
    return this.health.check([]);
  }

  @Get('ready')
  @HealthCheck()
  ready() {
    return this.health.check([() => this.postgres.ping('control-plane', this.controlPlane.pool)]);
  }
}
