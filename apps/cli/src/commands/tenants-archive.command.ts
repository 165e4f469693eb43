import { existsSync } from 'node:fs';
import { open, rename, rm } from 'node:fs/promises';
import { Command, Option } from 'commander';
import { ArchiveService, type ArchiveManifest, type ImportRequest, type ImportResult } from '@switchyard/archive';
import { SLUG_PATTERN, TIERS, type Tier } from '@switchyard/control-plane';
import { DomainError } from '@switchyard/errors';
import { importView } from '@apps/control-plane';
import { archiveProgressReporter } from '../archive-progress';
import { audited, cliActor } from '../cli-audit';
import { printJson } from '../output';
import { withCliContext } from '../runtime';

const usage = (message: string) => new DomainError('VALIDATION_FAILED', message);

function describeExport(manifest: ArchiveManifest, file: string): string {
  const rows = manifest.tables.reduce((n, t) => n + t.rows, 0);
  const bytes = manifest.tables.reduce((n, t) => n + t.bytes, 0);
  const { slug, tier } = manifest.tenant;
  return (
    `exported ${slug} (${tier}, at ${manifest.schemaVersion}): ${manifest.tables.length} tables, ${rows} rows, ` +
    `${bytes} bytes of data → ${file}\n`
  );
}

function describeImport(result: ImportResult, file: string): string {
  const { tenant, manifest } = result;
  const what = result.replaced ? `replaced the data of ${tenant.slug}` : `created ${tenant.slug}`;
  const tables = result.tables.map((t) => `${t.name} ${t.rows}`).join(', ');
  return (
    `${what} (${tenant.tier}) from ${file}: ${result.rows} rows (${tables})` +
    `${result.replaced ? `, ${result.deleted} rows removed first` : ''}; ` +
    `archive of ${manifest.tenant.slug} (${manifest.tenant.tier}, at ${manifest.schemaVersion}) taken ${manifest.exportedAt}\n`
  );
}

/** `tenants export`: one consistent snapshot of a tenant, in any tier, into an archive file. */
export function exportCommand(): Command {
  return new Command('export')
    .description('export a tenant (slug or id) into an archive file: one consistent snapshot, while it keeps serving')
    .argument('<slug>', 'tenant slug or id')
    .requiredOption('--out <file>', 'archive file to write (a tar; docs/archive-format.md)')
    .option('--json', 'print the archive’s manifest')
    .addHelpText('after', '\nExample:\n  switchyard tenants export acme --out acme.tar')
    .action(async (ref: string, options: { out: string; json?: boolean }) => {
      // Written beside the target and renamed at the end: a failed export leaves no file that looks whole.
      // Opened first: an --out nobody can write to is a usage error, not a stream error after the snapshot.
      const partial = `${options.out}.partial`;
      const handle = await open(partial, 'w').catch((error: NodeJS.ErrnoException) => {
        throw usage(`Cannot write ${options.out}: ${error.code ?? error.message}`);
      });
      const progress = archiveProgressReporter(Boolean(options.json));
      try {
        await withCliContext(async (context) => {
          const manifest = await audited(context, 'tenant.export', { tenant: ref }, () =>
            context
              .get(ArchiveService)
              .export(ref, handle.createWriteStream(), { by: cliActor(), onProgress: progress.update }),
          );
          progress.stop();
          await rename(partial, options.out);
          if (options.json) printJson(manifest);
          else process.stdout.write(describeExport(manifest, options.out));
        });
      } catch (error) {
        progress.stop();
        await handle.close().catch(() => undefined);
        await rm(partial, { force: true });
        throw error;
      }
    });
}

interface ImportOptions {
  slug?: string;
  tier?: Tier;
  server?: string;
  cell?: string;
  name?: string;
  replace?: string;
  json?: boolean;
}

/** What the options ask for, refused as a usage error (exit 2) before anything starts. */
function importRequest(file: string, options: ImportOptions): ImportRequest {
  if (!existsSync(file)) throw usage(`No archive file at ${file}`);
  const { slug, tier, server, cell, name, replace } = options;
  if (replace !== undefined) {
    if (slug ?? tier ?? server ?? cell ?? name)
      throw usage(
        '--replace restores over an existing tenant: give it without --slug, --tier, --server, --cell, --name',
      );
    return { replace };
  }
  if (!slug || !tier) throw usage('give --slug and --tier (a new tenant), or --replace <slug>');
  if (!SLUG_PATTERN.test(slug)) throw usage('--slug must match ^[a-z][a-z0-9-]{2,62}$');
  return { slug, tier, server, cell, name };
}

/** `tenants import`: restores an archive into a new tenant in any tier, or over an existing tenant. */
export function importCommand(): Command {
  return new Command('import')
    .description('restore an archive into a new tenant (--slug, --tier) or over an existing one (--replace)')
    .argument('<file>', 'archive file (from `tenants export` or GET /v1/tenants/{ref}/export)')
    .option('--slug <slug>', 'the new tenant')
    .addOption(new Option('--tier <tier>', 'the new tenant’s tier').choices(TIERS))
    .option('--server <name>', 'registered server for the new tenant (default: the least loaded)')
    .option('--cell <name>', 'shared cell for a new shared or schema tenant (default: the least loaded)')
    .option('--name <name>', 'display name of the new tenant (default: the archived tenant’s)')
    .option('--replace <slug>', 'replace the data of this existing tenant instead (atomically)')
    .option('--json', 'print what the control-plane API answers (POST /v1/tenants/import)')
    .addHelpText(
      'after',
      '\nExamples:\n  switchyard tenants import acme.tar --slug acme-copy --tier database\n' +
        '  switchyard tenants import acme.tar --replace acme',
    )
    .action(async (file: string, options: ImportOptions) => {
      const request = importRequest(file, options);
      await withCliContext(async (context) => {
        const progress = archiveProgressReporter(Boolean(options.json));
        let result: ImportResult;
        try {
          const subject = { tenant: 'replace' in request ? request.replace : request.slug };
          result = await audited(context, 'tenant.import', subject, () =>
            context.get(ArchiveService).import(file, request, { by: cliActor(), onProgress: progress.update }),
          );
        } finally {
          progress.stop();
        }
        if (options.json) printJson(importView(result));
        else process.stdout.write(describeImport(result, file));
      });
    });
}
