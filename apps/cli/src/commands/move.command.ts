import { Command, Option } from 'commander';
import { SingleBar } from 'cli-progress';
import { TIERS, type MoveRecord, type Tier } from '@switchyard/control-plane';
import { MoveRunner, MovesService, type MoveProgress } from '@switchyard/moves';
import { audited, cliActor } from '../cli-audit';
import { printJson } from '../output';
import { withCliContext } from '../runtime';

function progressReporter(json: boolean): { update: (p: MoveProgress) => void; stop: () => void } {
  if (json) return { update: () => undefined, stop: () => undefined };
  if (process.stderr.isTTY) {
    const bar = new SingleBar({
      format: 'moving {bar} {value}/{total} rows | {state}',
      stream: process.stderr,
      hideCursor: true,
    });
    let started = false;
    return {
      update: (p) => {
        if (!started) {
          bar.start(Math.max(p.rowsTotal, 1), 0, { state: p.state });
          started = true;
        }
        if (p.rowsTotal) bar.setTotal(p.rowsTotal);
        bar.update(p.rowsCopied, { state: p.state });
      },
      stop: () => started && bar.stop(),
    };
  }
  let lastState = '';
  let lastPercent = -10;
  return {
    update: (p) => {
      const percent = p.rowsTotal ? Math.floor((p.rowsCopied / p.rowsTotal) * 100) : 0;
      if (p.state !== lastState || percent >= lastPercent + 10) {
        lastState = p.state;
        lastPercent = percent;
        process.stderr.write(`[${p.state}] ${p.rowsCopied}/${p.rowsTotal} rows\n`);
      }
    },
    stop: () => undefined,
  };
}

function report(move: MoveRecord): string {
  const seconds = move.finishedAt ? ((move.finishedAt.getTime() - move.startedAt.getTime()) / 1000).toFixed(1) : '?';
  const lines = [
    `move ${move.id}: ${move.state}`,
    `  from ${move.fromTier} (${move.fromServer}/${move.fromDatabase}/${move.fromSchema})`,
    `  to   ${move.toTier} (${move.toServer}/${move.toDatabase}/${move.toSchema})`,
    `  rows ${move.rowsCopied} copied, duration ${seconds} s, write freeze ${move.freezeMs ?? '-'} ms`,
  ];
  if (move.error) lines.push(`  error: ${move.error}`);
  return `${lines.join('\n')}\n`;
}

const json = (m: MoveRecord) => ({ ...m, phase: m.state });

export function moveCommand(): Command {
  return new Command('move')
    .description('move a live tenant to another tier or server (shared ↔ schema ↔ database)')
    .argument('<slug>', 'tenant slug or id')
    .addOption(new Option('--to <tier>', 'target tier').choices(TIERS).makeOptionMandatory())
    .option('--server <name>', 'registered server to move to (default: the current one)')
    .option('--cell <name>', 'shared cell to move a shared or schema tenant to (default: its current one)')
    .option('--wait', 'carry the move out here and wait for it, with progress and a report')
    .option('--json', 'print JSON')
    .action(
      async (ref: string, options: { to: Tier; server?: string; cell?: string; wait?: boolean; json?: boolean }) => {
        const ok = await withCliContext(async (context) => {
          const worker = options.wait ? context.get(MoveRunner).worker : undefined;
          const move = await audited(context, 'tenant.move', { tenant: ref }, () =>
            context
              .get(MovesService)
              .request(ref, { tier: options.to, server: options.server, cell: options.cell, worker }, cliActor()),
          );
          if (!options.wait) {
            if (options.json) printJson(json(move));
            else
              process.stdout.write(
                `move ${move.id} accepted (${move.fromTier} → ${move.toTier}); the control plane's worker carries it out — follow it with GET /v1/moves/${move.id}, or run with --wait\n`,
              );
            return true;
          }
          const progress = progressReporter(Boolean(options.json));
          let final: MoveRecord;
          try {
            final = await context.get(MoveRunner).execute(move.id, progress.update);
          } finally {
            progress.stop();
          }
          if (options.json) printJson(json(final));
          else process.stdout.write(report(final));
          return final.state === 'done';
        });
        if (!ok) process.exitCode = 1;
      },
    );
}
