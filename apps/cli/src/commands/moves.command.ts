import { Command, Option } from 'commander';
import { MOVE_STATES, TenantsService, type MoveRecord, type MoveState } from '@switchyard/control-plane';
import { MovesService } from '@switchyard/moves';
import { moveView } from '@apps/control-plane';
import { integerBetween, moveId, textUpTo } from '../arguments';
import { audited, cliActor } from '../cli-audit';
import { describeMove, moveRow } from '../move-output';
import { printJson, printTable } from '../output';
import { withCliContext } from '../runtime';

/** Each move's tenant slug; a move outlives nothing, but a tenant deleted meanwhile shows as its id. */
async function tenantSlugs(tenants: TenantsService, moves: MoveRecord[]): Promise<Map<string, string>> {
  const ids = [...new Set(moves.map((m) => m.tenantId))];
  const slugs = await Promise.all(
    ids.map((id) =>
      tenants.get(id).then(
        (t) => t.slug,
        () => id,
      ),
    ),
  );
  return new Map(ids.map((id, i) => [id, slugs[i]!]));
}

/** `switchyard moves`: what GET /v1/moves, GET /v1/moves/{id} and POST /v1/moves/{id}/cancel do. */
export function movesCommand(): Command {
  const moves = new Command('moves')
    .description('list, inspect and cancel tenant moves (start one with `switchyard tenants move`)')
    .addHelpText(
      'after',
      '\nExamples:\n  switchyard moves list --tenant acme --state copying\n  switchyard moves show <id> --json\n  switchyard moves cancel <id>',
    );

  moves
    .command('list')
    .description('moves, newest first')
    .option('--tenant <slug>', "only this tenant's moves (slug or id)", textUpTo(64))
    .addOption(new Option('--state <state>', 'only moves in this state').choices(MOVE_STATES))
    .option('--limit <n>', 'at most n moves (1 to 200)', integerBetween(1, 200), 50)
    .option('--json', 'print { items } as the control-plane API does (GET /v1/moves)')
    .action(async (options: { tenant?: string; state?: MoveState; limit: number; json?: boolean }) => {
      await withCliContext(async (context) => {
        const items = await context.get(MovesService).list(options);
        if (options.json) return printJson({ items: items.map(moveView) });
        const slugs = await tenantSlugs(context.get(TenantsService), items);
        printTable(items.map((m) => moveRow(m, slugs.get(m.tenantId) ?? m.tenantId)));
      });
    });

  moves
    .command('show')
    .description('one move: where from and to, its state, rows copied, timing and error')
    .argument('<id>', 'move id', moveId)
    .option('--json', 'print the move as the control-plane API does (GET /v1/moves/{id})')
    .action(async (id: string, options: { json?: boolean }) => {
      await withCliContext(async (context) => {
        const move = await context.get(MovesService).get(id);
        if (options.json) printJson(moveView(move));
        else process.stdout.write(describeMove(move));
      });
    });

  moves
    .command('cancel')
    .description(
      'cancel a move before its cutover: the tenant stays where it was and the partial copy is removed (refused once verifying)',
    )
    .argument('<id>', 'move id', moveId)
    .option('--json', 'print the move as the control-plane API does (POST /v1/moves/{id}/cancel)')
    .action(async (id: string, options: { json?: boolean }) => {
      await withCliContext(async (context) => {
        const move = await audited(context, 'move.cancel', { move: id }, () =>
          context.get(MovesService).cancel(id, cliActor()),
        );
        if (options.json) printJson(moveView(move));
        else
          process.stdout.write(
            `move ${move.id}: cancel requested while ${move.state}; its worker stops it and the tenant stays where it was\n`,
          );
      });
    });

  return moves;
}
