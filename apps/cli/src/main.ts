import 'reflect-metadata';
import { Command, CommanderError } from 'commander';
import { isDomainError } from '@switchyard/errors';
import { devCommand } from './dev/dev.command';
import { cellsCommand } from './commands/cells.command';
import { serversCommand } from './commands/servers.command';
import { tenantsCommand } from './commands/tenants.command';
import { tokenCommand } from './commands/token.command';
import { migrateCommand } from './commands/migrate.command';
import { doctorCommand } from './commands/doctor.command';
import { consoleCommand } from './commands/console.command';
import { movesCommand } from './commands/moves.command';
import { auditCommand } from './commands/audit.command';
import { cliVersion } from './cli-version';
import { refuseUnknownCommands } from './unknown-commands';

const EXIT_USAGE = 2;

/** Set once commander has written an error or a help to stderr: the user has been told what was wrong. */
let toldOnStderr = false;
const output = {
  writeErr: (text: string) => {
    toldOnStderr = true;
    process.stderr.write(text);
  },
};

async function main(argv: string[]): Promise<void> {
  const program = new Command('switchyard')
    .description('Switchyard: a hybrid multi-tenant router for PostgreSQL')
    .version(cliVersion(), '-V, --version', 'print the version')
    .configureOutput(output)
    .showHelpAfterError()
    .enablePositionalOptions()
    .exitOverride();
  program
    .addCommand(tenantsCommand())
    .addCommand(cellsCommand())
    .addCommand(serversCommand())
    .addCommand(movesCommand())
    .addCommand(auditCommand())
    .addCommand(migrateCommand())
    .addCommand(doctorCommand())
    .addCommand(tokenCommand())
    .addCommand(consoleCommand())
    .addCommand(devCommand());
  // addCommand() does not pass these settings down; usage errors anywhere must exit with EXIT_USAGE.
  const inherit = (command: Command): void => {
    for (const sub of command.commands) {
      sub.exitOverride().showHelpAfterError().configureOutput(output);
      inherit(sub);
    }
  };
  inherit(program);
  refuseUnknownCommands(program, argv.slice(2));
  await program.parseAsync(argv);
}

main(process.argv).catch((error: unknown) => {
  if (error instanceof CommanderError) {
    // --help, --version and `help <command>` end with 0; everything else commander stops at is a usage error:
    // an unknown command or option, a bad or missing argument, a group command without its subcommand.
    if (error.exitCode === 0) process.exit(0);
    // Commander has written its own errors (and help); one thrown by a command's own code has not been.
    if (!toldOnStderr) process.stderr.write(`switchyard: ${error.message}\n`);
    process.exit(EXIT_USAGE);
  }
  const message = isDomainError(error)
    ? `${error.code}: ${error.message}`
    : error instanceof Error
      ? error.message
      : String(error);
  process.stderr.write(`switchyard: ${message}\n`);
  process.exit(
    isDomainError(error) && (error.code === 'VALIDATION_FAILED' || error.code === 'CONFIG_INVALID') ? EXIT_USAGE : 1,
  );
});
