import { Controller, Get } from '@nestjs/common';
import { HealthCheck, HealthCheckService } from '@nestjs/terminus';
import { SwitchyardConfig } from '@switchyard/config';
import { ControlPlaneDatabase, PRIMARY_SERVER } from '@switchyard/control-plane';
import { ApiDoc, PostgresHealthIndicator } from '@switchyard/http';
import { PoolRegistry } from '@switchyard/tenancy';

@Controller('health')
export class HealthController {
  constructor(
    private readonly health: HealthCheckService,
    private readonly postgres: PostgresHealthIndicator,
    private readonly controlPlane: ControlPlaneDatabase,
    private readonly pools: PoolRegistry,
    private readonly config: SwitchyardConfig,
  ) {}

  /** The process is up. */
  @Get('live')
  @HealthCheck()
  @ApiDoc({ summary: 'Liveness: the process is up', public: true })
  live() {
    return this.health.check([]);
  }

  /** The process can serve: it reaches the control plane and the primary shared cell. */
  @Get('ready')
  @HealthCheck()
  @ApiDoc({ summary: 'Readiness: the control plane and the primary shared cell answer (503 when not)', public: true })
  ready() {
    return this.health.check([
      () => this.postgres.ping('control-plane', this.controlPlane.pool),
      () => this.postgres.ping('shared', this.pools.get(PRIMARY_SERVER, this.config.names.sharedDatabase, 'shared')),
    ]);
  }
}
