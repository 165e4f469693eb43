import type { Tier } from '@switchyard/control-plane';
import type { TargetKind } from './fleet-targets';

export type TargetOutcome = 'applied' | 'current' | 'failed' | 'skipped' | 'planned';

export interface TargetReport {
  key: string;
  kind: TargetKind;
  tier: Tier;
  tenant: string | null;
  server: string;
  database: string;
  schema: string;
  outcome: TargetOutcome;
  /** Migrations applied by this run (or, in a dry run, that would be). */
  applied: string[];
  pending: string[];
  version: string | null;
  error?: string;
  errorCode?: string;
}

export type OutcomeCounts = Record<TargetOutcome, number>;

export interface FleetReport {
  dryRun: boolean;
  latest: string | null;
  /** Control-plane migrations applied first by this run. */
  controlPlane: string[];
  targets: TargetReport[];
  summary: Record<TargetKind | 'total', OutcomeCounts>;
  /** The canary wave failed, so the remaining targets were skipped. */
  stoppedByCanary: boolean;
  ok: boolean;
}

export interface FleetProgress {
  wave: 'shared' | 'canary' | 'rest';
  done: number;
  total: number;
  failed: number;
  /** Each wave's own count, in order (a wave skipped after a failed canary stays at done 0). */
  waves: WaveProgress[];
  last?: TargetReport;
}

export interface WaveProgress {
  wave: FleetProgress['wave'];
  done: number;
  total: number;
  failed: number;
}

const emptyCounts = (): OutcomeCounts => ({ applied: 0, current: 0, failed: 0, skipped: 0, planned: 0 });

export function summarise(targets: TargetReport[]): FleetReport['summary'] {
  const summary: FleetReport['summary'] = {
    total: emptyCounts(),
    shared: emptyCounts(),
    template: emptyCounts(),
    schema: emptyCounts(),
    database: emptyCounts(),
  };
  for (const t of targets) {
    summary.total[t.outcome]++;
    summary[t.kind][t.outcome]++;
  }
  return summary;
}
