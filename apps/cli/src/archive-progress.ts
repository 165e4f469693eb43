import { SingleBar } from 'cli-progress';
import type { ArchiveProgress } from '@switchyard/archive';
import { lineProgress, silentProgress, type ProgressReporter } from './progress-reporter';

/** For a log: a line when a phase starts, and one per tenth of the rows in each phase. */
export function archiveProgressLines(): (p: ArchiveProgress) => string[] {
  let phase: string | undefined;
  let tenth = -1;
  return (p) => {
    const entered = p.phase !== phase;
    phase = p.phase;
    if (entered) tenth = -1;
    const percent = p.totalRows ? Math.min(100, Math.floor((p.rows / p.totalRows) * 100)) : 100;
    if (Math.floor(percent / 10) === tenth) return [];
    tenth = Math.floor(percent / 10);
    return [`${p.phase} ${p.rows}/${p.totalRows} rows (${percent}%)${p.table ? ` ${p.table}` : ''}`];
  };
}

function archiveProgressBar(): ProgressReporter<ArchiveProgress> {
  const bar = new SingleBar({
    format: '{phase} {bar} {value}/{total} rows | {table}',
    stream: process.stderr,
    hideCursor: true,
  });
  let started = false;
  return {
    update: (p) => {
      const payload = { phase: p.phase.padEnd(9), table: p.table ?? '' };
      if (!started) {
        bar.start(Math.max(p.totalRows, 1), 0, payload);
        started = true;
      }
      bar.setTotal(Math.max(p.totalRows, 1));
      bar.update(p.rows, payload);
    },
    stop: () => started && bar.stop(),
  };
}

/** A bar on a terminal, lines otherwise (logs, CI), nothing with --json. */
export function archiveProgressReporter(json: boolean): ProgressReporter<ArchiveProgress> {
  if (json) return silentProgress();
  return process.stderr.isTTY ? archiveProgressBar() : lineProgress(archiveProgressLines());
}
