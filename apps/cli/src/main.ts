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

const EXIT_USAGE = 2;

async function main(argv: string[]): Promise<void> {
  const program = new Command('switchyard')
    .description('Switchyard: a hybrid multi-tenant router for PostgreSQL')
    .showHelpAfterError()
    .enablePositionalOptions()
    .exitOverride();
  program
    .addCommand(tenantsCommand())
    .addCommand(cellsCommand())
    .addCommand(serversCommand())
    .addCommand(migrateCommand())
    .addCommand(doctorCommand())
    .addCommand(tokenCommand())
    .addCommand(devCommand());
  // addCommand() does not pass these settings down; usage errors anywhere must exit with EXIT_USAGE.
  const inherit = (command: Command): void => {
    for (const sub of command.commands) {
      sub.exitOverride().showHelpAfterError();
      inherit(sub);
    }
  };
  inherit(program);
  await program.parseAsync(argv);
}

main(process.argv).catch((error: unknown) => {
  if (error instanceof CommanderError) {
    process.exit(error.exitCode === 0 ? 0 : EXIT_USAGE);
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
