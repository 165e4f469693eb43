import { Command, CommanderError } from 'commander';
import { describe, expect, it } from 'vitest';
import { refuseUnknownCommands } from './unknown-commands';

function program(): Command {
  const root = new Command('switchyard').exitOverride().configureOutput({ writeErr: () => undefined });
  const moves = root
    .command('moves')
    .exitOverride()
    .configureOutput({ writeErr: () => undefined });
  moves.command('show <id>').action(() => undefined);
  root
    .command('migrate')
    .option('--tier <tier>')
    .action(() => undefined)
    .command('status')
    .action(() => undefined);
  return root;
}

const refusal = (args: string[]) => {
  try {
    refuseUnknownCommands(program(), args);
    return undefined;
  } catch (error) {
    return error instanceof CommanderError ? error.message : String(error);
  }
};

describe('refuseUnknownCommands', () => {
  it('refuses an operand naming no command of its group, with --help or without', () => {
    expect(refusal(['nosuch', '--help'])).toBe("error: unknown command 'nosuch'");
    expect(refusal(['moves', 'nosuch', '--help'])).toBe("error: unknown command 'nosuch'");
    expect(refusal(['help', 'nosuch'])).toBe("error: unknown command 'nosuch'");
  });

  it('leaves real commands, their arguments and option values to commander', () => {
    for (const args of [
      ['--help'],
      ['moves', '--help'],
      ['help', 'moves'],
      ['moves', 'show', 'anything', '--json'],
      ['migrate', '--tier', 'schema', 'status'],
      ['--', 'nosuch'],
    ])
      expect(refusal(args), args.join(' ')).toBeUndefined();
  });
});
