import { Command, InvalidArgumentError, Option } from 'commander';
import { TIERS, type Tier } from '@switchyard/control-plane';
import { DomainError, isDomainError } from '@switchyard/errors';
import {
  FleetMigrationService,
  FleetTargets,
  MigrationRunsService,
  MigrationStatusService,
  type FleetReport,
} from '@switchyard/migrations';
import { audited, cliActor } from '../cli-audit';
import { fleetProgressReporter } from '../migrate-progress';
import { printJson, printTable } from '../output';
import { withCliContext } from '../runtime';

const positive = (value: string) => {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0) throw new InvalidArgumentError('must be a whole number');
  return n;
};
const collect = (value: string, previous: string[] = []) => [...previous, value];
const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`;

/** A --tenant naming no tenant is a usage error (exit 2), not a failed run or a green run over nothing. */
async function unknownTenantIsUsageError<T>(fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (error) {
    if (!isDomainError(error, 'TENANT_NOT_FOUND')) throw error;
    throw new DomainError('VALIDATION_FAILED', `--tenant: ${error.message}`);
  }
}

interface MigrateOptions {
  tier?: Tier[];
  tenant?: string[];
  server?: string;
  concurrency?: number;
  canary?: number;
  dryRun?: boolean;
  json?: boolean;
}

function printReport(report: FleetReport): void {
  if (report.controlPlane.length) process.stdout.write(`control plane: applied ${report.controlPlane.join(', ')}\n`);
  printTable(
    (['shared', 'template', 'schema', 'database', 'total'] as const).map((kind) => {
      const { applied, current, failed, skipped, planned } = report.summary[kind];
      return report.dryRun ? { kind, planned, current, failed } : { kind, applied, current, failed, skipped };
    }),
  );
  if (report.dryRun) {
    const planned = report.targets.filter((t) => t.outcome === 'planned');
    if (planned.length) {
      process.stdout.write('\nwould apply:\n');
      printTable(planned.map((t) => ({ target: t.key, tenant: t.tenant, migrations: t.pending.join(', ') })));
    }
  }
  const failed = report.targets.filter((t) => t.outcome === 'failed');
  if (failed.length) {
    process.stdout.write('\nfailed:\n');
    printTable(failed.map((t) => ({ target: t.key, tenant: t.tenant, error: t.error ?? '' })));
  }
  if (report.stoppedByCanary) process.stdout.write('\nthe canary wave failed: the remaining targets were skipped\n');
  const outcome = report.dryRun
    ? dryRunOutcome(report)
    : `${report.ok ? 'all' : 'not all'} targets at ${report.latest}`;
  process.stdout.write(`\n${outcome}\n`);
}

/** What a dry run found: what would happen, never a claim that the targets are already there. */
function dryRunOutcome(report: FleetReport): string {
  const { planned, failed } = report.summary.total;
  if (report.targets.length === 0) return 'dry run: no target matches; nothing to do';
  if (!planned && !failed) return `dry run: every target is at ${report.latest}; nothing to do`;
  const parts = [
    ...(planned ? [`${plural(planned, 'target')} would be migrated to ${report.latest}`] : []),
    ...(failed ? [`${plural(failed, 'target')} could not be checked (see failed above)`] : []),
  ];
  return `dry run: ${parts.join(', ')}; nothing was changed`;
}

export function migrateCommand(): Command {
  const migrate = new Command('migrate')
    // `migrate status --json`: options after the subcommand belong to it, not to `migrate`.
    .enablePositionalOptions()
    .description(
      'apply migrations to the control plane, the shared databases, every tenant schema and every tenant database',
    )
    .addOption(
      new Option('--tier <tier>', 'only this tier (repeatable)')
        .choices(TIERS)
        .argParser((v: string, prev?: string[]) => collect(v, prev) as Tier[]),
    )
    .option('--tenant <slug>', 'only this tenant (repeatable)', collect)
    .option('--server <name>', 'only targets on this server')
    .option('--concurrency <n>', 'targets at once (per server: MIGRATION_SERVER_CONCURRENCY)', positive)
    .option('--canary <n>', 'migrate n tenant targets first; stop if one fails', positive)
    .option('--dry-run', 'list targets × pending migrations; change nothing')
    .option('--json', 'print the report as JSON (for CI)')
    .action(async (options: MigrateOptions) => {
      const fleetOptions = {
        tiers: options.tier,
        tenants: options.tenant,
        server: options.server,
        concurrency: options.concurrency,
        canary: options.canary,
      };
      // Installation leaves shared and template to the run's first wave, reported like any other target.
      const ok = await withCliContext(
        async (context) => {
          await unknownTenantIsUsageError(() => context.get(FleetTargets).assertTenantsExist(options.tenant));
          const progress = fleetProgressReporter(Boolean(options.json));
          let report: FleetReport;
          try {
            if (options.dryRun) {
              report = await context.get(FleetMigrationService).run({ ...fleetOptions, dryRun: true }, progress.update);
            } else {
              // Accepting the run records it; how it ends is the run's own record (and the exit code).
              const runs = context.get(MigrationRunsService);
              const run = await audited(context, 'migration.run', {}, () => runs.accept(fleetOptions, cliActor()));
              report = (await runs.execute(run, fleetOptions, progress.update)).report;
            }
          } finally {
            progress.stop();
          }
          if (options.json) printJson(report);
          else printReport(report);
          return options.dryRun ? report.targets.every((t) => t.outcome !== 'failed') : report.ok;
        },
        { tenantTargets: 'skip' },
      );
      if (!ok) process.exitCode = 1;
    });

  migrate
    .command('status')
    .description('which target is at which version, per tier')
    .addOption(new Option('--tier <tier>', 'only this tier').choices(TIERS))
    .option('--tenant <slug>', 'only this tenant')
    .option('--json', 'print JSON')
    .action(async (options: { tier?: Tier; tenant?: string; json?: boolean }) => {
      // Read-only: it reports every target as it is, never-migrated ones included.
      await withCliContext(
        async (context) => {
          const filter = {
            tiers: options.tier ? [options.tier] : undefined,
            tenants: options.tenant ? [options.tenant] : undefined,
          };
          const status = await unknownTenantIsUsageError(() => context.get(MigrationStatusService).status(filter));
          if (options.json) return printJson(status);
          process.stdout.write(
            `latest: ${status.latest}   control plane: ${status.controlPlane.applied} (latest ${status.controlPlane.latest})\n\n`,
          );
          printTable(
            (['shared', 'template', 'schema', 'database', 'total'] as const).map((kind) => ({
              kind,
              ...status.summary[kind],
            })),
          );
          const notCurrent = status.targets.filter((t) => t.status !== 'current');
          if (notCurrent.length) {
            process.stdout.write('\nnot current:\n');
            printTable(
              notCurrent.map((t) => ({
                target: t.key,
                tenant: t.tenant,
                status: t.status,
                applied: t.applied,
                pending: t.pending.join(', '),
                error: t.error,
              })),
            );
          }
        },
        { tenantTargets: 'skip' },
      );
    });
  return migrate;
}
