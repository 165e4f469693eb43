import { type DynamicModule, Module } from '@nestjs/common';
import { APP_FILTER, APP_INTERCEPTOR } from '@nestjs/core';
import { TerminusModule } from '@nestjs/terminus';
import { AuthModule } from '@switchyard/auth';
import { SwitchyardConfig, SwitchyardConfigModule } from '@switchyard/config';
import { ControlPlaneModule } from '@switchyard/control-plane';
import { DoctorModule } from '@switchyard/doctor';
import { PostgresHealthIndicator } from '@switchyard/http';
import { MovesModule } from '@switchyard/moves';
import { ProvisioningModule } from '@switchyard/provisioning';
import { AuditController } from './audit/audit.controller';
import { AuditInterceptor } from './audit/audit.interceptor';
import { ControlPlaneProblemFilter } from './control-plane-problem.filter';
import { DoctorController } from './doctor/doctor.controller';
import { HealthController } from './health/health.controller';
import { MigrationsController } from './migrations/migrations.controller';
import { MigrationsReadiness } from './migrations/migrations-readiness';
import { MovesController } from './moves/moves.controller';
import { CellsController } from './servers/cells.controller';
import { UsageController } from './tenants/usage.controller';
import { ServersController } from './servers/servers.controller';
import { TenantsController } from './tenants/tenants.controller';

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
        DoctorModule,
        AuthModule,
        TerminusModule,
      ],
      controllers: [
        TenantsController,
        ServersController,
        CellsController,
        UsageController,
        MigrationsController,
        MovesController,
        AuditController,
        DoctorController,
        HealthController,
      ],
      providers: [
        PostgresHealthIndicator,
        MigrationsReadiness,
        { provide: APP_FILTER, useClass: ControlPlaneProblemFilter },
        { provide: APP_INTERCEPTOR, useClass: AuditInterceptor },
      ],
    };
  }
}
