import type { FleetProgress, TargetReport } from '@switchyard/migrations';
import { describe, expect, it } from 'vitest';
import { fleetProgressLines } from './migrate-progress';

describe('fleetProgressLines', () => {
  it('writes a line when a wave starts, per 5% and at the end, and one per failed target', () => {
    const next = fleetProgressLines(0, () => 2_000);
    const progress = (wave: FleetProgress['wave'], done: number, failed = 0, last?: Partial<TargetReport>) =>
      next({ wave, done, total: 100, failed, waves: [], last: last as TargetReport | undefined });
    expect(progress('shared', 1)).toEqual(['[shared] 1/100 targets (1%), 0 failed, 0.5/s']);
    expect(progress('shared', 3)).toEqual([]);
    expect(progress('shared', 5)).toEqual(['[shared] 5/100 targets (5%), 0 failed, 2.5/s']);
    expect(progress('canary', 6)).toEqual(['[canary] 6/100 targets (6%), 0 failed, 3.0/s']);
    const failure = { key: 'db:t_1', tenant: 'acme', outcome: 'failed', error: 'boom' } as const;
    expect(progress('canary', 7, 1, failure)).toEqual(['failed: db:t_1 (acme): boom']);
    expect(progress('rest', 8, 1)).toEqual(['[rest] 8/100 targets (8%), 1 failed, 4.0/s']);
    expect(progress('rest', 10, 1)).toEqual(['[rest] 10/100 targets (10%), 1 failed, 5.0/s']);
    expect(progress('rest', 100, 1)).toEqual(['[rest] 100/100 targets (100%), 1 failed, 50.0/s']);
  });
});
