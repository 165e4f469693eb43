import type { Command } from 'commander';

/**
 * A command group: subcommands, no arguments, no option taking a value — so each of its operands must
 * name a subcommand (`migrate`, with options and an action of its own, is not one).
 */
const isGroup = (command: Command): boolean =>
  command.commands.length > 0 &&
  command.registeredArguments.length === 0 &&
  command.options.every((option) => !option.required && !option.optional);

/**
 * Commander answers `switchyard nosuch --help` (or `switchyard tenants nosuch --help`) with the parent's
 * help and exit code 0, as if the command existed; a script must learn that it does not. This follows
 * the arguments down the command groups and refuses (a usage error) an operand that names no
 * subcommand of its group, as commander itself does without --help.
 */
export function refuseUnknownCommands(program: Command, args: readonly string[]): void {
  let group = program;
  for (const arg of args) {
    if (arg === '--') return;
    if (arg.startsWith('-') || arg === 'help') continue; // `help <command>` names a command too
    const command = group.commands.find((c) => c.name() === arg || c.aliases().includes(arg));
    if (!command) group.error(`error: unknown command '${arg}'`, { code: 'commander.unknownCommand' });
    else if (isGroup(command)) group = command;
    else return;
  }
}
