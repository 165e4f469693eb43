import { Command, Option } from 'commander';
import {
  TENANT_STATUSES,
  tenantEditAction,
  TenantsService,
  TIERS,
  type TenantStatus,
  type Tier,
} from '@switchyard/control-plane';
import { TenantLifecycleService } from '@switchyard/provisioning';
import { tenantView } from '@apps/control-plane';
import { audited, cliActor } from '../cli-audit';
import { moveCommand } from './move.command';
import { exportCommand, importCommand } from './tenants-archive.command';
import { tenantsQueryCommand } from './tenants-query.command';
import { offboardCommand } from './tenants-offboard.command';
import { printJson, printTable, tenantRow } from '../output';
import { withCliContext } from '../runtime';

export function tenantsCommand(): Command {
  const tenants = new Command('tenants').description('create, list, inspect, suspend, resume and move tenants');

  tenants
    .command('create <slug>')
    .description('onboard a tenant in a tier (re-running resumes an interrupted provisioning)')
    .requiredOption('--name <name>', 'display name')
    .addOption(new Option('--tier <tier>', 'isolation tier').choices(TIERS).makeOptionMandatory())
    .option('--server <server>', 'registered server to place it on (default: the least loaded)')
    .option('--cell <cell>', 'shared cell for a shared or schema tenant (default: the least loaded)')
    .option('--json', 'print the tenant as the control-plane API does (POST /v1/tenants)')
    .action(
      async (slug: string, options: { name: string; tier: Tier; server?: string; cell?: string; json?: boolean }) => {
        await withCliContext(async (context) => {
          const input = { slug, name: options.name, tier: options.tier, server: options.server, cell: options.cell };
          const { tenant, resumed } = await audited(context, 'tenant.create', { tenant: slug }, () =>
            context.get(TenantLifecycleService).create(input, cliActor()),
          );
          if (options.json) printJson(tenantView(tenant));
          else {
            process.stdout.write(
              `${resumed ? 'resumed and provisioned' : 'created'} ${tenant.slug} (${tenant.tier})\n`,
            );
            printTable([tenantRow(tenant)]);
          }
        });
      },
    );

  tenants
    .command('list')
    .description('list every tenant, by slug, with its tier, status and placement')
    .addOption(new Option('--tier <tier>', 'only this tier').choices(TIERS))
    .addOption(new Option('--status <status>', 'only this status').choices(TENANT_STATUSES))
    .option(
      '--json',
      'print { items, nextCursor, total } as the control-plane API does (GET /v1/tenants), all in one page',
    )
    .action(async (options: { tier?: Tier; status?: TenantStatus; json?: boolean }) => {
      await withCliContext(async (context) => {
        const service = context.get(TenantsService);
        const all = [];
        for (let afterSlug: string | undefined; ;) {
          const page = await service.list({ tier: options.tier, status: options.status, limit: 500, afterSlug });
          all.push(...page);
          const last = page.at(-1);
          if (page.length < 500 || !last) break;
          afterSlug = last.slug;
        }
        // Every page is read: nothing is left for a next one, and the total is what was listed.
        if (options.json) printJson({ items: all.map(tenantView), nextCursor: null, total: all.length });
        else printTable(all.map(tenantRow));
      });
    });

  tenants
    .command('show <slug>')
    .description('show one tenant (slug or id): tier, status, placement, migration version')
    .option('--json', 'print the tenant as the control-plane API does (GET /v1/tenants/{ref})')
    .action(async (ref: string, options: { json?: boolean }) => {
      await withCliContext(async (context) => {
        const tenant = await context.get(TenantsService).get(ref);
        if (options.json) printJson(tenantView(tenant));
        else {
          for (const [key, value] of Object.entries(tenantRow(tenant)))
            process.stdout.write(`${key.padEnd(9)} ${value}\n`);
          process.stdout.write(`${'migrated'.padEnd(9)} ${tenant.schemaVersion ?? '-'}\n`);
        }
      });
    });

  const statusChanges = [
    ['suspend', 'suspended', 'refuse every request of the tenant (403) until it is resumed (slug or id)'],
    ['resume', 'active', 'serve a suspended tenant again (slug or id)'],
  ] as const;
  for (const [verb, status, description] of statusChanges) {
    tenants
      .command(`${verb} <slug>`)
      .description(description)
      .option('--json', 'print the tenant as the control-plane API does (PATCH /v1/tenants/{ref})')
      .action(async (ref: string, options: { json?: boolean }) => {
        await withCliContext(async (context) => {
          const tenant = await audited(context, tenantEditAction({ status }), { tenant: ref }, () =>
            context.get(TenantsService).update(ref, { status }, cliActor()),
          );
          if (options.json) printJson(tenantView(tenant));
          else process.stdout.write(`${tenant.slug} is ${tenant.status}\n`);
        });
      });
  }

  tenants.addCommand(moveCommand());
  tenants.addCommand(exportCommand());
  tenants.addCommand(importCommand());
  tenants.addCommand(tenantsQueryCommand());
  tenants.addCommand(offboardCommand());
  return tenants;
}
