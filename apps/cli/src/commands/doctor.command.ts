import { Command } from 'commander';
import { DoctorService, type DoctorReport } from '@switchyard/doctor';
import { printJson, printTable } from '../output';
import { withCliContext } from '../runtime';

function printReport(report: DoctorReport): void {
  if (report.findings.length) {
    printTable(
      report.findings.map((f) => ({
        severity: f.severity,
        code: f.code,
        target: f.target,
        object: f.object,
        message: f.message,
      })),
    );
    process.stdout.write('\n');
  }
  const errors = report.findings.filter((f) => f.severity === 'error').length;
  const warnings = report.findings.length - errors;
  process.stdout.write(
    report.ok
      ? `no findings in ${report.checkedTargets} targets\n`
      : `${errors} error${errors === 1 ? '' : 's'}, ${warnings} warning${warnings === 1 ? '' : 's'} in ${report.checkedTargets} targets\n`,
  );
}

export function doctorCommand(): Command {
  return new Command('doctor')
    .description(
      "inspect every target's catalog (RLS, the application role's rights, schema boundaries, orphans); exits 1 on any finding",
    )
    .option('--json', 'print { ok, checkedTargets, findings } as JSON')
    .action(async (options: { json?: boolean }) => {
      // No installation step: it would quietly repair what the doctor is here to report.
      const report = await withCliContext((context) => context.get(DoctorService).run(), false);
      if (options.json) printJson(report);
      else printReport(report);
      if (!report.ok) process.exitCode = 1;
    });
}
