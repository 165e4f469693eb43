import { Command, InvalidArgumentError } from 'commander';
import { ServerOverviews, type MoveRecord } from '@switchyard/control-plane';
import { DrainService, MoveRunner } from '@switchyard/moves';
import { moveView } from '@apps/control-plane';
import { audited, cliActor } from '../cli-audit';
import { printJson, printTable } from '../output';
import { withCliContext } from '../runtime';

const positive = (value: string) => {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1 || n > 64) throw new InvalidArgumentError('must be an integer from 1 to 64');
  return n;
};

const seconds = (m: MoveRecord) =>
  m.finishedAt ? ((m.finishedAt.getTime() - m.startedAt.getTime()) / 1000).toFixed(1) : '';

export function serversCommand(): Command {
  const servers = new Command('servers').description('registered PostgreSQL servers');

  servers
    .command('list')
    .description('servers with their cells, tenants per tier, connections in use and bytes')
    .option('--json', 'print { items } as the control-plane API does (GET /v1/servers)')
    .action(async (options: { json?: boolean }) => {
      await withCliContext(async (context) => {
        const items = await context.get(ServerOverviews).list();
        if (options.json) return printJson({ items });
        printTable(
          items.map((s) => ({
            server: s.name,
            cells: s.cells.map((c) => c.name).join(',') || '-',
            shared: s.tenants.shared,
            schema: s.tenants.schema,
            database: s.tenants.database,
            connections: s.live ? `${s.live.connections.application}/${s.live.maxConnections}` : 'unreachable',
            mib: s.live ? (s.live.bytes / 2 ** 20).toFixed(1) : '',
          })),
        );
      });
    });

  servers
    .command('drain <name>')
    .description('move every tenant off a server, in its own tier, to the least loaded place elsewhere')
    .option('--concurrency <n>', 'moves at once', positive, 2)
    .option('--json', 'print { server, moves, skipped } when done, each move as the control-plane API shows it')
    .action(async (name: string, options: { concurrency: number; json?: boolean }) => {
      const ok = await withCliContext(async (context) => {
        const worker = context.get(MoveRunner).worker;
        const drains = context.get(DrainService);
        const started = await audited(context, 'server.drain', {}, () => drains.start(name, cliActor(), worker));
        const total = started.moves.length;
        if (!options.json) {
          process.stderr.write(`draining ${name}: ${total} moves, ${started.skipped.length} skipped\n`);
          for (const s of started.skipped) process.stderr.write(`  skipped ${s.tenant}: ${s.reason}\n`);
        }
        const states = new Map<string, string>();
        const results = await drains.run(started.moves, options.concurrency, (move, progress) => {
          if (options.json || states.get(move.id) === progress.state) return;
          states.set(move.id, progress.state);
          process.stderr.write(`  ${move.id.slice(0, 8)} ${progress.state}\n`);
        });
        const finished = results.filter((m) => m.state === 'done').length;
        if (options.json) printJson({ server: name, moves: results.map(moveView), skipped: started.skipped });
        else {
          printTable(
            results.map((m) => ({
              move: m.id.slice(0, 8),
              tier: m.toTier,
              from: `${m.fromServer}/${m.fromDatabase}`,
              to: `${m.toServer}/${m.toDatabase}`,
              state: m.state,
              rows: m.rowsCopied,
              seconds: seconds(m),
            })),
          );
          process.stdout.write(`${finished} of ${total} tenants moved off ${name}\n`);
        }
        return finished === total;
      });
      if (!ok) process.exitCode = 1;
    });

  return servers;
}
