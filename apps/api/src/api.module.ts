import { type DynamicModule, Module } from '@nestjs/common';
import { APP_FILTER } from '@nestjs/core';
import { TerminusModule } from '@nestjs/terminus';
import { AuthModule } from '@switchyard/auth';
import { SwitchyardConfig, SwitchyardConfigModule } from '@switchyard/config';
import { ControlPlaneModule } from '@switchyard/control-plane';
import { createOpenApiController, PostgresHealthIndicator } from '@switchyard/http';
import { MetricsModule } from '@switchyard/metrics';
import {
  IdempotencyInterceptor,
  IdempotencyModule,
  KEY_STORE_FOR_REQUEST,
  TenantIdempotencyModule,
  TenantKeyStore,
} from '@switchyard/idempotency';
import { TenantDataModule } from '@switchyard/tenant-data';
import { API_STATUSES, ApiProblemFilter } from './api-problem.filter';
import { EmployeesController } from './employees/employees.controller';
import { HealthController } from './health/health.controller';
import { MetricsController } from './metrics/metrics.controller';
import { PoolMetrics } from './metrics/pool-metrics';
import { TenantController } from './tenant/tenant.controller';
import { TenantGuard } from './tenant/tenant.guard';
import { WellnessEntriesController, WellnessSummaryController } from './wellness/wellness-entries.controller';

@Module({})
export class ApiModule {
  static forRoot(config: SwitchyardConfig): DynamicModule {
    return {
      module: ApiModule,
      imports: [
        SwitchyardConfigModule.forRoot(config),
        // The tenant API reads placements as the application role: it cannot change one.
        ControlPlaneModule.forRoot('reader'),
        TenantDataModule,
        IdempotencyModule,
        TenantIdempotencyModule,
        AuthModule,
        TerminusModule,
        MetricsModule,
      ],
      controllers: [
        TenantController,
        EmployeesController,
        WellnessEntriesController,
        WellnessSummaryController,
        HealthController,
        MetricsController,
        createOpenApiController({
          title: 'Switchyard tenant API',
          version: '1',
          description:
            'The API a tenant’s clients call with the tenant’s token. It answers the same in every tier: ' +
            'where the tenant’s rows live is never visible. Errors are RFC 9457 problem+json with a stable `code`.',
          statuses: API_STATUSES,
          authErrors: ['UNAUTHENTICATED', 'FORBIDDEN', 'TENANT_NOT_FOUND', 'TENANT_SUSPENDED', 'TENANT_NOT_ACTIVE'],
          platformErrors: [
            'DATABASE_UNAVAILABLE',
            'DATABASE_BUSY',
            'STATEMENT_TIMEOUT',
            'TENANT_MOVING',
            'TENANT_FROZEN',
          ],
        }),
      ],
      providers: [
        TenantGuard,
        IdempotencyInterceptor,
        // A tenant's keys live in its own table, reached in its context.
        {
          provide: KEY_STORE_FOR_REQUEST,
          useFactory: (store: TenantKeyStore) => () => store,
          inject: [TenantKeyStore],
        },
        PostgresHealthIndicator,
        PoolMetrics,
        { provide: APP_FILTER, useClass: ApiProblemFilter },
      ],
    };
  }
}
