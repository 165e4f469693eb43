import { Module, type OnModuleInit } from '@nestjs/common';
import { TenantContext } from './context/tenant-context';
import { PlacementCache } from './placement/placement-cache';
import { ConnectionBudgets } from './pools/connection-budgets';
import { PoolRegistry } from './pools/pool-registry';
import { ConnectionResolver } from './routing/connection-resolver';
import { DatabaseTierStrategy, SchemaTierStrategy, SharedTierStrategy } from './routing/tier-strategies';
import { TIER_STRATEGIES } from './routing/tier-strategy';
import { TenantDb } from './tenant-db';
import { UsageMeter } from './usage/usage-meter';
import { assertPgInternals } from './wire/pg-internals';

/**
 * The connection resolver and `TenantDb`. Needs SwitchyardConfigModule and ControlPlaneModule (reader
 * access is enough) registered globally by the importing app.
 */
@Module({
  providers: [
    SharedTierStrategy,
    SchemaTierStrategy,
    DatabaseTierStrategy,
    {
      provide: TIER_STRATEGIES,
      inject: [SharedTierStrategy, SchemaTierStrategy, DatabaseTierStrategy],
      useFactory: (...strategies) => strategies,
    },
    PlacementCache,
    ConnectionBudgets,
    PoolRegistry,
    ConnectionResolver,
    TenantContext,
    UsageMeter,
    TenantDb,
  ],
  exports: [TenantDb, TenantContext, PlacementCache, PoolRegistry, ConnectionBudgets, ConnectionResolver, UsageMeter],
})
export class TenancyModule implements OnModuleInit {
  /** The router drives pg internals (see pg-internals.ts): refuse to start on a pg that moved them. */
  onModuleInit(): void {
    assertPgInternals();
  }
}
