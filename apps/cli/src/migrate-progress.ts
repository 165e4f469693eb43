import { SingleBar } from 'cli-progress';
import type { FleetProgress } from '@switchyard/migrations';
import { lineProgress, silentProgress, type ProgressReporter } from './progress-reporter';

/** Targets per second since `started`. */
const rate = (done: number, started: number, now: number) =>
  (done / Math.max(0.001, (now - started) / 1000)).toFixed(1);

/**
 * For a log: a line per failed target, and a progress line when a wave starts, per 5% of the targets,
 * and at the end. `done` and `total` count every target of the run, across waves.
 */
export function fleetProgressLines(started = Date.now(), now = Date.now): (p: FleetProgress) => string[] {
  let wave: string | undefined;
  let step = -1;
  return (p) => {
    const lines: string[] = [];
    if (p.last?.outcome === 'failed')
      lines.push(`failed: ${p.last.key} (${p.last.tenant ?? p.last.kind}): ${p.last.error}`);
    const percent = Math.floor((p.done / Math.max(1, p.total)) * 100);
    if (p.wave !== wave || Math.floor(percent / 5) !== step || p.done === p.total) {
      wave = p.wave;
      step = Math.floor(percent / 5);
      lines.push(
        `[${p.wave}] ${p.done}/${p.total} targets (${percent}%), ${p.failed} failed, ${rate(p.done, started, now())}/s`,
      );
    }
    return lines;
  };
}

function fleetProgressBar(): ProgressReporter<FleetProgress> {
  const started = Date.now();
  const bar = new SingleBar({
    format: 'migrating {bar} {value}/{total} targets | {failed} failed | {rate}/s | {wave}',
    stream: process.stderr,
    hideCursor: true,
  });
  let running = false;
  return {
    update: (p) => {
      if (!running) {
        bar.start(p.total, 0, { failed: 0, rate: '0', wave: p.wave });
        running = true;
      }
      bar.update(p.done, { failed: p.failed, rate: rate(p.done, started, Date.now()), wave: p.wave });
    },
    stop: () => running && bar.stop(),
  };
}

/** A bar on a terminal, lines otherwise (logs, CI), nothing with --json. */
export function fleetProgressReporter(json: boolean): ProgressReporter<FleetProgress> {
  if (json) return silentProgress();
  return process.stderr.isTTY ? fleetProgressBar() : lineProgress(fleetProgressLines());
}
