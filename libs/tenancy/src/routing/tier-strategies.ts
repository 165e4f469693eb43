import { Injectable } from '@nestjs/common';
import { SwitchyardConfig } from '@switchyard/config';
import type { Tier } from '@switchyard/control-plane';
import { DomainError } from '@switchyard/errors';
import { isUuid, quoteIdent, tenantStorageNames } from '@switchyard/postgres';
import type { Placement } from '../placement/placement';
import type { Route, TierStrategy } from './tier-strategy';

function tenantIdOf(placement: Placement): string {
  if (!isUuid(placement.tenantId)) throw new DomainError('TENANT_NOT_FOUND', 'Unknown tenant');
  return placement.tenantId;
}

/** The tenant's context at `schema`: what the context statement sets, and where the fence is looked up. */
function scopeAt(tenantId: string, schema: string, tier: Tier, config: SwitchyardConfig): Route['scope'] {
  return {
    tenantId,
    schema,
    searchPath: quoteIdent(schema),
    statementTimeout: String(config.pools.tierStatementTimeoutMs[tier]),
    parallelWorkers: parallelWorkersOf(config.pools.tierParallelWorkers[tier]),
    preparedStatements: config.pools.preparedStatements,
  };
}

const parallelWorkersOf = (workers: number | undefined) => (workers === undefined ? null : String(workers));

function misplaced(placement: Placement, what: string): never {
  // A placement that points anywhere but the tenant's own derived storage is refused outright: a
  // corrupted control-plane row must not route tenant A into tenant B's schema or database.
  throw new DomainError('TENANT_NOT_FOUND', `Placement of tenant ${placement.tenantId} names a foreign ${what}`);
}

/** Shared tables: the shared cell's pool; RLS on the transaction-local tenant id does the isolation. */
@Injectable()
export class SharedTierStrategy implements TierStrategy {
  constructor(private readonly config: SwitchyardConfig) {}

  readonly tier = 'shared' as const;

  route(placement: Placement): Route {
    if (placement.schema !== 'public') misplaced(placement, 'schema');
    return {
      server: placement.server,
      database: placement.database,
      poolKind: 'shared',
      scope: scopeAt(tenantIdOf(placement), 'public', this.tier, this.config),
    };
  }
}

/** The tenant's own schema in a shared cell: same pool, transaction-local search_path, RLS behind it. */
@Injectable()
export class SchemaTierStrategy implements TierStrategy {
  constructor(private readonly config: SwitchyardConfig) {}

  readonly tier = 'schema' as const;

  route(placement: Placement): Route {
    const tenantId = tenantIdOf(placement);
    if (placement.schema !== tenantStorageNames(tenantId).schema) misplaced(placement, 'schema');
    return {
      server: placement.server,
      database: placement.database,
      poolKind: 'shared',
      scope: scopeAt(tenantId, placement.schema, this.tier, this.config),
    };
  }
}

/** The tenant's own database: its own small pool, RLS as the second wall. */
@Injectable()
export class DatabaseTierStrategy implements TierStrategy {
  constructor(private readonly config: SwitchyardConfig) {}

  readonly tier = 'database' as const;

  route(placement: Placement): Route {
    const tenantId = tenantIdOf(placement);
    if (placement.database !== tenantStorageNames(tenantId).database) misplaced(placement, 'database');
    if (placement.schema !== 'public') misplaced(placement, 'schema');
    return {
      server: placement.server,
      database: placement.database,
      poolKind: 'tenant-database',
      scope: scopeAt(tenantId, 'public', this.tier, this.config),
    };
  }
}
