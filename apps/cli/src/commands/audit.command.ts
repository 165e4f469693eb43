import { Command } from 'commander';
import { AuditLogRepository, type AuditRecord } from '@switchyard/control-plane';
import { auditAction, integerBetween, pointInTime, textUpTo } from '../arguments';
import { auditPage } from '../audit-trail';
import { printJson, printTable } from '../output';
import { withCliContext } from '../runtime';

interface AuditOptions {
  actor?: string;
  action?: string;
  tenant?: string;
  since?: Date;
  limit: number;
  cursor?: number;
  json?: boolean;
}

const cursor = (value: string): number => integerBetween(1, Number.MAX_SAFE_INTEGER)(value);

/** Why a refused action failed, from its recorded details (the error code), for the table. */
const refusal = (entry: AuditRecord): string =>
  entry.outcome === 'failed' && typeof entry.details?.code === 'string' ? entry.details.code : '';

/** `switchyard audit`: the audit trail, as GET /v1/audit gives it. */
export function auditCommand(): Command {
  return new Command('audit')
    .description('the audit trail, newest first: who did what to which tenant, and what was refused')
    .option('--actor <actor>', 'only this actor (e.g. cli:alice, ops:bob)', textUpTo(256))
    .option('--action <action>', 'only this action (e.g. tenant.suspend, move.cancel)', auditAction)
    .option(
      '--tenant <slug>',
      'only entries about this tenant (slug or id; a migration run id also works)',
      textUpTo(256),
    )
    .option('--since <time>', 'only entries at or after this ISO 8601 time, or this long ago (30m, 1h, 7d)', (value) =>
      pointInTime(value),
    )
    .option('--limit <n>', 'at most n entries (1 to 500)', integerBetween(1, 500), 100)
    .option('--cursor <id>', 'continue with entries older than this (the nextCursor of a --json page)', cursor)
    .option('--json', 'print { items, nextCursor } as the control-plane API does (GET /v1/audit)')
    .addHelpText('after', '\nExample:\n  switchyard audit --tenant acme --since 1h')
    .action(async (options: AuditOptions) => {
      await withCliContext(async (context) => {
        const page = await auditPage(context.get(AuditLogRepository), {
          actor: options.actor,
          action: options.action,
          target: options.tenant,
          since: options.since,
          limit: options.limit,
          beforeId: options.cursor,
        });
        if (options.json) return printJson(page);
        printTable(
          page.items.map((e) => ({
            id: e.id,
            at: e.at.toISOString(),
            actor: e.actor,
            action: e.action,
            tenant: e.targetSlug ?? e.target,
            outcome: e.outcome,
            code: refusal(e),
          })),
        );
        if (page.nextCursor) process.stdout.write(`(more: --cursor ${page.nextCursor})\n`);
      });
    });
}
