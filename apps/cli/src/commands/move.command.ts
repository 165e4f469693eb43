import { Command, Option } from 'commander';
import { TIERS, type MoveRecord, type Tier } from '@switchyard/control-plane';
import { MoveRunner, MovesService } from '@switchyard/moves';
import { moveView } from '@apps/control-plane';
import { audited, cliActor } from '../cli-audit';
import { describeMove } from '../move-output';
import { moveProgressReporter } from '../move-progress';
import { printJson } from '../output';
import { withCliContext } from '../runtime';

interface MoveOptions {
  to: Tier;
  server?: string;
  cell?: string;
  wait?: boolean;
  json?: boolean;
}

/** `tenants move`: requests a move (the control plane's worker carries it out), or with --wait runs it here. */
export function moveCommand(): Command {
  return new Command('move')
    .description(
      'move a live tenant to another tier, cell or server (shared ↔ schema ↔ database); without --wait the control plane carries it out',
    )
    .argument('<slug>', 'tenant slug or id')
    .addOption(new Option('--to <tier>', 'target tier').choices(TIERS).makeOptionMandatory())
    .option('--server <name>', 'registered server to move to (default: the current one)')
    .option('--cell <name>', 'shared cell to move a shared or schema tenant to (default: its current one)')
    .option('--wait', 'carry the move out here and wait for it, with progress on stderr and a report')
    .option('--json', 'print the move as the control-plane API shows it (GET /v1/moves/{id})')
    .addHelpText('after', '\nExample:\n  switchyard tenants move acme --to database --wait')
    .action(async (ref: string, options: MoveOptions) => {
      const ok = await withCliContext(async (context) => {
        const worker = options.wait ? context.get(MoveRunner).worker : undefined;
        const move = await audited(context, 'tenant.move', { tenant: ref }, () =>
          context
            .get(MovesService)
            .request(ref, { tier: options.to, server: options.server, cell: options.cell, worker }, cliActor()),
        );
        if (!options.wait) {
          if (options.json) printJson(moveView(move));
          else
            process.stdout.write(
              `move ${move.id} accepted (${move.fromTier} → ${move.toTier}); the control plane's worker carries it out — follow it with \`switchyard moves show ${move.id}\`, or run with --wait\n`,
            );
          return true;
        }
        const progress = moveProgressReporter(Boolean(options.json));
        let final: MoveRecord;
        try {
          final = await context.get(MoveRunner).execute(move.id, progress.update);
        } finally {
          progress.stop();
        }
        if (options.json) printJson(moveView(final));
        else process.stdout.write(describeMove(final));
        return final.state === 'done';
      });
      if (!ok) process.exitCode = 1;
    });
}
