import { type DynamicModule, Module } from '@nestjs/common';
import { SwitchyardConfig } from '@switchyard/config';
import { withDatabase } from '@switchyard/postgres';
import { ControlPlaneDatabase } from './control-plane-database';
import { AuditLogRepository } from './audit/audit-log.repository';
import { RefusalRecorder } from './audit/refusal-recorder';
import { LedgerRepository } from './ledger/ledger.repository';
import { MovesRepository } from './moves/moves.repository';
import { MigrationRunsRepository } from './runs/migration-runs.repository';
import { PlacementInvalidations } from './invalidations/placement-invalidations';
import { PRIMARY_SERVER, ServerDirectory } from './servers/server-directory';
import { CellsRepository } from './cells/cells.repository';
import { ServerOverviews } from './servers/server-overview';
import { TenantUsageRepository } from './usage/tenant-usage.repository';
import { OpsIdempotencyKeysRepository } from './idempotency/ops-idempotency-keys.repository';
import { ServersRepository } from './servers/servers.repository';
import { TenantsRepository } from './tenants/tenants.repository';
import { TenantsService } from './tenants/tenants.service';
import { ConsoleSessions } from './console/console-sessions';
import { ConsoleSessionsRepository } from './console/console-sessions.repository';
import { OffboardingsRepository } from './offboarding/offboardings.repository';

export type ControlPlaneAccess = 'owner' | 'reader';

/** The repositories and services over the control-plane database, provided and exported alike. */
const SERVICES = [
  ServerDirectory,
  TenantsRepository,
  ServersRepository,
  CellsRepository,
  ServerOverviews,
  TenantUsageRepository,
  OpsIdempotencyKeysRepository,
  LedgerRepository,
  MigrationRunsRepository,
  AuditLogRepository,
  RefusalRecorder,
  MovesRepository,
  TenantsService,
  ConsoleSessionsRepository,
  ConsoleSessions,
  OffboardingsRepository,
];

/** Owner URL of the control-plane database (installation, migrations). */
export function controlPlaneUrl(config: SwitchyardConfig): string {
  return withDatabase(config.databaseUrl, config.names.controlDatabase);
}

@Module({})
export class ControlPlaneModule {
  /**
   * `owner` for processes that administer tenants (control-plane API, CLI); `reader` for the tenant
   * API, which only ever needs to read placements and connects as the application role.
   */
  static forRoot(access: ControlPlaneAccess): DynamicModule {
    return {
      module: ControlPlaneModule,
      global: true,
      providers: [
        {
          provide: ControlPlaneDatabase,
          inject: [SwitchyardConfig, ServerDirectory],
          useFactory: (config: SwitchyardConfig, servers: ServerDirectory) =>
            ControlPlaneDatabase.connect(
              access === 'owner'
                ? controlPlaneUrl(config)
                : servers.appUrl(PRIMARY_SERVER, config.names.controlDatabase),
              { connectTimeoutMs: config.pools.connectTimeoutMs },
            ),
        },
        {
          provide: PlacementInvalidations,
          inject: [SwitchyardConfig, ServerDirectory],
          useFactory: (config: SwitchyardConfig, servers: ServerDirectory) =>
            new PlacementInvalidations({
              redisUrl: config.redisUrl,
              // LISTEN needs a session of its own: straight to the server, never through a pooler.
              listenUrl:
                access === 'owner'
                  ? controlPlaneUrl(config)
                  : servers.directAppUrl(PRIMARY_SERVER, config.names.controlDatabase),
            }),
        },
        ...SERVICES,
      ],
      exports: [ControlPlaneDatabase, PlacementInvalidations, ...SERVICES],
    };
  }
}
