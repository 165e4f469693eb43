import type { ArchiveProgress } from '@switchyard/archive';
import { describe, expect, it } from 'vitest';
import { archiveProgressLines } from './archive-progress';

describe('archiveProgressLines', () => {
  it('writes a line when a phase starts and per tenth of its rows, not one per report', () => {
    const next = archiveProgressLines();
    const reports: ArchiveProgress[] = [];
    for (const phase of ['verifying', 'loading'] as const)
      for (let rows = 0; rows <= 200; rows += 5) reports.push({ phase, table: 'employees', rows, totalRows: 200 });
    const lines = reports.flatMap(next);
    expect(lines[0]).toBe('verifying 0/200 rows (0%) employees');
    expect(lines.filter((l) => l.startsWith('verifying'))).toHaveLength(11);
    expect(lines.filter((l) => l.startsWith('loading'))).toHaveLength(11);
    expect(lines.at(-1)).toBe('loading 200/200 rows (100%) employees');
  });

  it('copes with an empty tenant', () => {
    expect(archiveProgressLines()({ phase: 'snapshot', rows: 0, totalRows: 0 })).toEqual(['snapshot 0/0 rows (100%)']);
  });
});
