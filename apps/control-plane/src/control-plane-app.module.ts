import { type DynamicModule, Module } from '@nestjs/common';
import { APP_FILTER, APP_INTERCEPTOR } from '@nestjs/core';
import { TerminusModule } from '@nestjs/terminus';
import { AuthModule } from '@switchyard/auth';
import { SwitchyardConfig, SwitchyardConfigModule } from '@switchyard/config';
import { ControlPlaneModule } from '@switchyard/control-plane';
import { PostgresHealthIndicator } from '@switchyard/http';
import { ProvisioningModule } from '@switchyard/provisioning';
import { AuditController } from './audit/audit.controller';
import { AuditInterceptor } from './audit/audit.interceptor';
import { ControlPlaneProblemFilter } from './control-plane-problem.filter';
import { HealthController } from './health/health.controller';
import { MigrationsController } from './migrations/migrations.controller';
import { ServersController } from './servers/servers.controller';
import { TenantsController } from './tenants/tenants.controller';

@Module({})
export class ControlPlaneAppModule {
  static forRoot(config: SwitchyardConfig): DynamicModule {
    return {
      module: ControlPlaneAppModule,
      imports: [SwitchyardConfigModule.forRoot(config), ControlPlaneModule.forRoot('owner'), ProvisioningModule, AuthModule, TerminusModule],
      controllers: [TenantsController, ServersController, MigrationsController, AuditController, HealthController],
      providers: [
        PostgresHealthIndicator,
        { provide: APP_FILTER, useClass: ControlPlaneProblemFilter },
        { provide: APP_INTERCEPTOR, useClass: AuditInterceptor },
      ],
    };
  }
}
