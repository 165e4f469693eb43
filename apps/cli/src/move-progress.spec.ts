import type { MoveProgress } from '@switchyard/moves';
import { describe, expect, it } from 'vitest';
import { moveProgressLines } from './move-progress';

/** What MoveRunner reports for a move of 300 rows, copied in batches of 20. */
function runnerReports(): MoveProgress[] {
  const reports: MoveProgress[] = [{ state: 'copying', rowsCopied: 0, rowsTotal: 0 }];
  for (let copied = 20; copied <= 300; copied += 20)
    reports.push({ state: 'copying', rowsCopied: copied, rowsTotal: 300 });
  for (const state of ['catching_up', 'cutover', 'verifying'] as const)
    reports.push({ state, rowsCopied: 0, rowsTotal: 0 });
  reports.push({ state: 'cleaning_up', rowsCopied: 300, rowsTotal: 0 });
  return reports;
}

describe('moveProgressLines', () => {
  it('writes a line per phase and per tenth of the copy, never a total of 0 once the rows are counted', () => {
    const next = moveProgressLines();
    const lines = runnerReports().flatMap(next);
    expect(lines).toEqual([
      'copying',
      'copying 20/300 rows (6%)',
      'copying 40/300 rows (13%)',
      'copying 60/300 rows (20%)',
      'copying 100/300 rows (33%)',
      'copying 120/300 rows (40%)',
      'copying 160/300 rows (53%)',
      'copying 180/300 rows (60%)',
      'copying 220/300 rows (73%)',
      'copying 240/300 rows (80%)',
      'copying 280/300 rows (93%)',
      'copying 300/300 rows (100%)',
      'catching_up',
      'cutover',
      'verifying',
      'cleaning_up',
    ]);
    expect(lines.join('\n')).not.toMatch(/\/0 rows/);
  });

  it('writes one line per phase for a tenant without rows', () => {
    const next = moveProgressLines();
    const lines = [
      { state: 'copying', rowsCopied: 0, rowsTotal: 0 },
      { state: 'catching_up', rowsCopied: 0, rowsTotal: 0 },
      { state: 'catching_up', rowsCopied: 0, rowsTotal: 0 },
      { state: 'cleaning_up', rowsCopied: 0, rowsTotal: 0 },
    ].flatMap((p) => next(p as MoveProgress));
    expect(lines).toEqual(['copying', 'catching_up', 'cleaning_up']);
  });
});
