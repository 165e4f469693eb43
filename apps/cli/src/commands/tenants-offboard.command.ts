import { existsSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { Command, InvalidArgumentError } from 'commander';
import type { OffboardingRecord } from '@switchyard/control-plane';
import { isDomainError } from '@switchyard/errors';
import { formatGrace, OffboardingService, parseGrace, type OffboardingResult } from '@switchyard/offboarding';
import { offboardingView } from '@apps/control-plane';
import { audited, cliActor } from '../cli-audit';
import { printJson } from '../output';
import { withCliContext } from '../runtime';

interface OffboardOptions {
  grace: number;
  export?: string;
  json?: boolean;
}

/** `--grace`: 0 or a duration (90s, 30m, 1h, 7d, 2w), as the API takes it. */
export function graceArgument(value: string): number {
  try {
    return parseGrace(value);
  } catch (error) {
    throw new InvalidArgumentError(isDomainError(error) ? error.message : String(error));
  }
}

/** `--export`: a new file in an existing folder (an archive is never written over another file). */
export function newFileArgument(value: string): string {
  const file = resolve(value);
  if (existsSync(file)) throw new InvalidArgumentError(`${file} already exists`);
  if (!existsSync(dirname(file))) throw new InvalidArgumentError(`folder ${dirname(file)} does not exist`);
  return file;
}

/**
 * `tenants offboard`: suspends the tenant at once, optionally exports it to a local file first, and
 * records its offboarding. With `--grace 0` it erases the tenant here and now and prints the proof;
 * otherwise the control plane's worker erases it once the grace period has passed.
 */
export function offboardCommand(): Command {
  return new Command('offboard')
    .description(
      'suspend a tenant now and erase it everywhere after a grace period (0: at once, here, printing the proof)',
    )
    .argument('<slug>', 'tenant slug or id')
    .option('--grace <duration>', 'time before erasing: 0, 90s, 30m, 1h, 7d, 2w', graceArgument, parseGrace('7d'))
    .option(
      '--export <file>',
      'write the tenant’s archive to this new local file before anything is erased',
      newFileArgument,
    )
    .option('--json', 'print the offboarding as the control-plane API shows it (GET /v1/offboardings/{id})')
    .addHelpText(
      'after',
      '\nExamples:\n  switchyard tenants offboard acme --grace 7d --export acme.archive\n  switchyard tenants offboard acme --grace 0',
    )
    .action(async (ref: string, options: OffboardOptions) => {
      const ok = await withCliContext(async (context) => {
        const service = context.get(OffboardingService);
        if (options.export && !service.canExport())
          throw new Error(
            '--export is not available: this build has no archive exporter installed; nothing was changed',
          );
        const erasesHere = options.grace === 0;
        const record = await audited(context, 'tenant.offboard', { tenant: ref }, () =>
          service.request(
            ref,
            {
              grace: options.grace,
              export: options.export !== undefined,
              claim: erasesHere || options.export !== undefined,
            },
            cliActor(),
          ),
        );
        const say = (line: string) => process.stderr.write(`${line}\n`);
        say(`${record.tenantSlug} is suspended (offboarding ${record.id})`);
        if (options.export) {
          try {
            const receipt = await service.exportTo(record, options.export);
            say(`exported ${record.tenantSlug} to ${receipt.file} (${receipt.bytes} bytes, sha256 ${receipt.sha256})`);
          } catch (error) {
            // Nothing is erased without the archive that was asked for: the tenant is resumed.
            await service.cancel(record.id, cliActor()).catch(() => undefined);
            throw error;
          }
        }
        if (!erasesHere) {
          await service.release(record);
          if (options.json) printJson(offboardingView(await service.get(record.id)));
          else
            process.stdout.write(
              `offboarding ${record.id}: ${record.tenantSlug} is erased after ${record.eraseAfter.toISOString()} (grace ${formatGrace(record.graceMs)}) by the control plane's worker; cancel it before then with POST /v1/offboardings/${record.id}/cancel\n`,
            );
          return true;
        }
        const final = await service.execute(record.id, (step) => say(`${step}…`));
        if (options.json) printJson(offboardingView(final));
        else process.stdout.write(describeOffboarding(final));
        return final.state === 'done';
      });
      if (!ok) process.exitCode = 1;
    });
}

/** The erasure and its proof, for a terminal. */
export function describeOffboarding(o: OffboardingRecord): string {
  const result = o.result as OffboardingResult | null;
  if (!result) {
    const retry = o.state === 'erasing' ? "; the control plane's worker tries again shortly" : '';
    return `offboarding ${o.id} of ${o.tenantSlug} is ${o.state}${o.error ? `: ${o.error}` : ''}${retry}\n`;
  }
  const { erased, proof } = result;
  const lines = [
    `offboarding ${o.id}: ${o.tenantSlug} ${o.state === 'done' ? 'erased' : 'NOT fully erased'}`,
    `  live placement     ${erased.live ? `${erased.live.tier} on ${erased.live.server}/${erased.live.database}/${erased.live.schema}` : '(already gone)'}`,
    `  kept after moves   ${erased.retainedRemoved} removed`,
    `  locations cleared  ${erased.locationsCleared}${erased.unreachable.length ? `, ${erased.unreachable.length} unreachable` : ''}`,
    `  control plane      ${erased.controlPlane.usageRows} usage rows, ${erased.controlPlane.ledgerRows} ledger rows, ${erased.controlPlane.moves} moves`,
    `proof (${proof.checkedAt}):`,
    `  servers            ${proof.servers.join(', ')}`,
    `  databases checked  ${proof.databasesChecked}${proof.skipped.length ? ` (${proof.skipped.length} skipped: ${proof.skipped.map((s) => `${s.server}/${s.database} ${s.reason}`).join('; ')})` : ''}`,
    `  tables checked     ${proof.tablesChecked} with a tenant_id column`,
    `  rows found         ${proof.rowsFound}`,
    `  leftovers          ${proof.leftovers.length ? '' : 'none'}`,
    ...proof.leftovers.map(
      (l) =>
        `    ${l.kind} ${l.server}/${l.database}${l.schema ? `/${l.schema}` : ''}${l.table ? `.${l.table}` : ''}${l.name ? ` ${l.name}` : ''}${l.rows ? ` (${l.rows} rows)` : ''}`,
    ),
    ...proof.kept.map((k) => `  kept               ${k.rows} row(s) in ${k.server}/${k.database} ${k.table}: ${k.why}`),
    `recorded in the audit log as tenant.erase`,
  ];
  return `${lines.join('\n')}\n`;
}
