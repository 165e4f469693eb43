import { IdempotencyInterceptor, IdempotencyModule, KEY_STORE_FOR_REQUEST, opsKeyStore } from '@switchyard/idempotency';
import type { AuthenticatedRequest } from '@switchyard/auth';
import { type DynamicModule, Module } from '@nestjs/common';
import { APP_FILTER, APP_INTERCEPTOR } from '@nestjs/core';
import { TerminusModule } from '@nestjs/terminus';
import { AuthModule, OPS_SESSIONS } from '@switchyard/auth';
import { SwitchyardConfig, SwitchyardConfigModule } from '@switchyard/config';
import {
  auditActor,
  ConsoleSessions,
  ControlPlaneModule,
  OpsIdempotencyKeysRepository,
} from '@switchyard/control-plane';
import { DoctorModule } from '@switchyard/doctor';
import { createOpenApiController, PostgresHealthIndicator } from '@switchyard/http';
import { MovesModule } from '@switchyard/moves';
import { ProvisioningModule } from '@switchyard/provisioning';
import { AuditController } from './audit/audit.controller';
import { AuditInterceptor } from './audit/audit.interceptor';
import { ConsoleSessionController } from './console/console-session.controller';
import { OverviewController } from './overview/overview.controller';
import { AdvisorController } from './advisor/advisor.controller';
import { AdvisorModule } from '@switchyard/advisor';
import { ArchiveModule } from '@switchyard/archive';
import { ArchiveController } from './archive/archive.controller';
import { BreakGlassModule } from '@switchyard/break-glass';
import { BreakGlassController } from './break-glass/break-glass.controller';
import { DoctorSummary } from './overview/doctor-summary';
import { CONTROL_PLANE_STATUSES, ControlPlaneProblemFilter } from './control-plane-problem.filter';
import { DoctorController } from './doctor/doctor.controller';
import { HealthController } from './health/health.controller';
import { MigrationsController } from './migrations/migrations.controller';
import { MigrationsReadiness } from './migrations/migrations-readiness';
import { MovesController } from './moves/moves.controller';
import { CellsController } from './servers/cells.controller';
import { UsageController } from './tenants/usage.controller';
import { ServersController } from './servers/servers.controller';
import { TenantsController } from './tenants/tenants.controller';
import { OffboardingModule } from '@switchyard/offboarding';
import { OffboardingController } from './offboarding/offboarding.controller';

@Module({})
export class ControlPlaneAppModule {
  static forRoot(config: SwitchyardConfig): DynamicModule {
    return {
      module: ControlPlaneAppModule,
      imports: [
        SwitchyardConfigModule.forRoot(config),
        ControlPlaneModule.forRoot('owner'),
        ProvisioningModule,
        MovesModule,
        OffboardingModule,
        DoctorModule,
        AdvisorModule,
        ArchiveModule,
        BreakGlassModule,
        AuthModule,
        TerminusModule,
        IdempotencyModule,
      ],
      controllers: [
        TenantsController,
        ServersController,
        CellsController,
        UsageController,
        MigrationsController,
        MovesController,
        OffboardingController,
        AuditController,
        DoctorController,
        HealthController,
        ConsoleSessionController,
        OverviewController,
        AdvisorController,
        ArchiveController,
        BreakGlassController,
        createOpenApiController({
          title: 'Switchyard control-plane API',
          version: '1',
          description:
            'The operators’ API: tenants and their placement, moves, fleet migrations, servers and cells, usage, ' +
            'the doctor and the audit trail. Every call needs an ops token. Errors are RFC 9457 problem+json.',
          statuses: CONTROL_PLANE_STATUSES,
          authErrors: ['UNAUTHENTICATED', 'FORBIDDEN'],
          platformErrors: ['DATABASE_UNAVAILABLE', 'DATABASE_BUSY', 'STATEMENT_TIMEOUT'],
        }),
      ],
      providers: [
        PostgresHealthIndicator,
        MigrationsReadiness,
        DoctorSummary,
        IdempotencyInterceptor,
        // An operator's keys are theirs alone (by the verified token's subject), kept in the control plane.
        {
          provide: KEY_STORE_FOR_REQUEST,
          useFactory: (keys: OpsIdempotencyKeysRepository) => (request: AuthenticatedRequest) =>
            opsKeyStore(keys, auditActor(request.user?.sub).actor),
          inject: [OpsIdempotencyKeysRepository],
        },
        // The console's session cookie is accepted wherever an ops token is (OpsGuard).
        { provide: OPS_SESSIONS, useExisting: ConsoleSessions },
        { provide: APP_FILTER, useClass: ControlPlaneProblemFilter },
        { provide: APP_INTERCEPTOR, useClass: AuditInterceptor },
      ],
    };
  }
}
