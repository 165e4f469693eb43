import { Command } from 'commander';
import { CellsService } from '@switchyard/provisioning';
import { audited, cliActor } from '../cli-audit';
import { printJson, printTable } from '../output';
import { withCliContext } from '../runtime';

export function cellsCommand(): Command {
  const cells = new Command('cells').description('shared cells: databases for shared and schema tenants');

  cells
    .command('add <name>')
    .description('add a shared cell on a registered server (creates and migrates its database)')
    .requiredOption('--server <server>', 'registered server to create it on')
    .option('--json', 'print JSON')
    .action(async (name: string, options: { server: string; json?: boolean }) => {
      await withCliContext(async (context) => {
        const cell = await audited(context, 'cell.create', {}, () =>
          context.get(CellsService).add(name, options.server, cliActor()),
        );
        if (options.json) printJson(cell);
        else process.stdout.write(`cell ${cell.name} on ${cell.server} (database ${cell.database})\n`);
      });
    });

  cells
    .command('list')
    .description('list shared cells and the tenants each holds')
    .option('--json', 'print JSON')
    .action(async (options: { json?: boolean }) => {
      await withCliContext(async (context) => {
        const items = await context.get(CellsService).list();
        if (options.json) printJson({ items });
        else
          printTable(
            items.map((c) => ({
              cell: c.name,
              server: c.server,
              database: c.database,
              shared: String(c.tenants.shared),
              schema: String(c.tenants.schema),
            })),
          );
      });
    });

  return cells;
}
