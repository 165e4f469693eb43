import { SingleBar } from 'cli-progress';
import type { MoveProgress } from '@switchyard/moves';
import { lineProgress, silentProgress, type ProgressReporter } from './progress-reporter';

/**
 * The rows of a move as far as known. The runner reports counts only while copying (0 in the other
 * phases, and a total of 0 until the rows are counted): the last known numbers are kept, so no phase
 * shows the copy as 0 of 0.
 */
export class MoveRowCounts {
  copied = 0;
  total = 0;

  see(p: MoveProgress): void {
    if (p.rowsTotal > 0) this.total = p.rowsTotal;
    if (p.state === 'copying' || p.rowsCopied > 0) this.copied = p.rowsCopied;
  }
}

/** For a log: a line per phase, and while copying (once the rows are counted) one per tenth of the rows. */
export function moveProgressLines(): (p: MoveProgress) => string[] {
  const counts = new MoveRowCounts();
  let phase: string | undefined;
  let tenth = -1;
  return (p) => {
    counts.see(p);
    const entered = p.state !== phase;
    phase = p.state;
    if (p.state !== 'copying' || counts.total === 0) return entered ? [p.state] : [];
    const percent = Math.min(100, Math.floor((counts.copied / counts.total) * 100));
    if (!entered && Math.floor(percent / 10) === tenth) return [];
    tenth = Math.floor(percent / 10);
    return [`copying ${counts.copied}/${counts.total} rows (${percent}%)`];
  };
}

function moveProgressBar(): ProgressReporter<MoveProgress> {
  const bar = new SingleBar({
    format: 'moving {bar} {value}/{total} rows | {state}',
    stream: process.stderr,
    hideCursor: true,
  });
  const counts = new MoveRowCounts();
  let started = false;
  return {
    update: (p) => {
      counts.see(p);
      if (!started) {
        bar.start(Math.max(counts.total, 1), 0, { state: p.state });
        started = true;
      }
      if (counts.total) bar.setTotal(counts.total);
      bar.update(counts.copied, { state: p.state });
    },
    stop: () => started && bar.stop(),
  };
}

/** A bar on a terminal, lines otherwise (logs, CI), nothing with --json. */
export function moveProgressReporter(json: boolean): ProgressReporter<MoveProgress> {
  if (json) return silentProgress();
  return process.stderr.isTTY ? moveProgressBar() : lineProgress(moveProgressLines());
}
