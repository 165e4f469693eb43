import { Command, Option } from 'commander';
import { TENANT_STATUSES, TenantsService, TIERS, type TenantStatus, type Tier } from '@switchyard/control-plane';
import { TenantLifecycleService } from '@switchyard/provisioning';
import { audited, cliActor } from '../cli-audit';
import { moveCommand } from './move.command';
import { printJson, printTable, tenantJson, tenantRow } from '../output';
import { withCliContext } from '../runtime';

export function tenantsCommand(): Command {
  const tenants = new Command('tenants').description('create, list and inspect tenants');

  tenants
    .command('create <slug>')
    .description('onboard a tenant in a tier (re-running resumes an interrupted provisioning)')
    .requiredOption('--name <name>', 'display name')
    .addOption(new Option('--tier <tier>', 'isolation tier').choices(TIERS).makeOptionMandatory())
    .option('--server <server>', 'registered server to place it on (default: the least loaded)')
    .option('--cell <cell>', 'shared cell for a shared or schema tenant (default: the least loaded)')
    .option('--json', 'print JSON')
    .action(
      async (slug: string, options: { name: string; tier: Tier; server?: string; cell?: string; json?: boolean }) => {
        await withCliContext(async (context) => {
          const input = { slug, name: options.name, tier: options.tier, server: options.server, cell: options.cell };
          const { tenant, resumed } = await audited(context, 'tenant.create', { tenant: slug }, () =>
            context.get(TenantLifecycleService).create(input, cliActor()),
          );
          if (options.json) printJson(tenantJson(tenant));
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
    .description('list tenants')
    .addOption(new Option('--tier <tier>', 'only this tier').choices(TIERS))
    .addOption(new Option('--status <status>', 'only this status').choices(TENANT_STATUSES))
    .option('--json', 'print JSON')
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
        if (options.json) printJson(all.map(tenantJson));
        else printTable(all.map(tenantRow));
      });
    });

  tenants
    .command('show <slug>')
    .description('show one tenant (slug or id)')
    .option('--json', 'print JSON')
    .action(async (ref: string, options: { json?: boolean }) => {
      await withCliContext(async (context) => {
        const tenant = await context.get(TenantsService).get(ref);
        if (options.json) printJson(tenantJson(tenant));
        else {
          for (const [key, value] of Object.entries(tenantRow(tenant)))
            process.stdout.write(`${key.padEnd(9)} ${value}\n`);
          process.stdout.write(`${'migrated'.padEnd(9)} ${tenant.schemaVersion ?? '-'}\n`);
        }
      });
    });

  const statusChanges = [
    ['suspend', 'suspended', 'refuse every request of the tenant (403) until it is resumed'],
    ['resume', 'active', 'serve a suspended tenant again'],
  ] as const;
  for (const [verb, status, description] of statusChanges) {
    tenants
      .command(`${verb} <slug>`)
      .description(description)
      .option('--json', 'print JSON')
      .action(async (ref: string, options: { json?: boolean }) => {
        await withCliContext(async (context) => {
          const tenant = await audited(context, `tenant.${verb}`, { tenant: ref }, () =>
            context.get(TenantsService).update(ref, { status }, cliActor()),
          );
          if (options.json) printJson(tenantJson(tenant));
          else process.stdout.write(`${tenant.slug} is ${tenant.status}\n`);
        });
      });
  }

  tenants.addCommand(moveCommand());
  return tenants;
}
