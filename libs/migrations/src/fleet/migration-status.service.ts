import { Injectable } from '@nestjs/common';
import { SwitchyardConfig } from '@switchyard/config';
import { controlPlaneUrl, LedgerRepository } from '@switchyard/control-plane';
import { OwnerPools } from '@switchyard/postgres';
import { MigrationSets } from '../migration-sets';
import { newestApplied } from '../pending-migrations';
import { readLocalLedger } from '../target-ledger.sql';
import { FleetTargets, type TargetFilter, type TargetKind } from './fleet-targets';

export type TargetState = 'current' | 'behind' | 'failed' | 'running';

export interface TargetStatus {
  key: string;
  kind: TargetKind;
  tier: string;
  tenant: string | null;
  tenantId: string | null;
  server: string;
  database: string;
  schema: string;
  applied: string | null;
  latest: string | null;
  status: TargetState;
  pending: string[];
  error: string | null;
}

export interface FleetStatus {
  latest: string | null;
  controlPlane: { applied: string | null; latest: string | null };
  summary: Record<TargetKind | 'total', Record<TargetState, number> & { targets: number }>;
  targets: TargetStatus[];
}

/** Which target is at which version, from the control-plane ledger (one query, no target is contacted). */
@Injectable()
export class MigrationStatusService {
  constructor(
    private readonly config: SwitchyardConfig,
    private readonly targets: FleetTargets,
    private readonly ledger: LedgerRepository,
    private readonly sets: MigrationSets,
    private readonly pools: OwnerPools,
  ) {}

  async status(filter: TargetFilter = {}): Promise<FleetStatus> {
    const set = this.sets.get('tenant');
    const controlSet = this.sets.get('control-plane');
    const [targets, ledger, controlApplied] = await Promise.all([
      this.targets.list(filter),
      this.ledger.allByTarget(),
      this.pools.withClient(controlPlaneUrl(this.config), (client) =>
        readLocalLedger(client, 'public', 'control-plane'),
      ),
    ]);
    const statuses = targets.map((t): TargetStatus => {
      const entries = ledger.get(t.key) ?? [];
      const applied = new Map(entries.filter((e) => e.status === 'applied').map((e) => [e.migration, e.checksum]));
      const version = newestApplied(set, applied);
      const pending = set.files.filter((f) => !applied.has(f.name)).map((f) => f.name);
      const failure = entries.find((e) => e.status === 'failed' && !applied.has(e.migration));
      const running = entries.some((e) => e.status === 'running');
      return {
        key: t.key,
        kind: t.kind,
        tier: t.tier,
        tenant: t.tenantSlug,
        tenantId: t.tenantId,
        server: t.server,
        database: t.database,
        schema: t.schema,
        applied: version,
        latest: set.latest,
        status: running ? 'running' : failure ? 'failed' : pending.length ? 'behind' : 'current',
        pending,
        error: failure?.error ?? null,
      };
    });
    return {
      latest: set.latest,
      controlPlane: { applied: newestApplied(controlSet, controlApplied), latest: controlSet.latest },
      summary: this.summarise(statuses),
      targets: statuses,
    };
  }

  private summarise(statuses: TargetStatus[]): FleetStatus['summary'] {
    const empty = () => ({ targets: 0, current: 0, behind: 0, failed: 0, running: 0 });
    const summary: FleetStatus['summary'] = {
      total: empty(),
      shared: empty(),
      template: empty(),
      schema: empty(),
      database: empty(),
    };
    for (const s of statuses) {
      for (const bucket of [summary.total, summary[s.kind]]) {
        bucket.targets++;
        bucket[s.status]++;
      }
    }
    return summary;
  }
}
