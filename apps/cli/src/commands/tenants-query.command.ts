import { ModuleRef } from '@nestjs/core';
import { Command } from 'commander';
import { BREAK_GLASS_ROW_LIMIT, BreakGlassService, type BreakGlassQueryResult } from '@switchyard/break-glass';
import { cliActor } from '../cli-audit';
import { formatTable, printJson } from '../output';
import { withCliContext } from '../runtime';

/**
 * The rows as an aligned table; headers are the column names (a repeated name gets `_2`, `_3`, … so that
 * no column hides another), NULL is blank.
 */
export function formatQueryResult(result: BreakGlassQueryResult): string {
  const seen = new Map<string, number>();
  const keys = result.columns.map((c) => {
    const n = (seen.get(c.name) ?? 0) + 1;
    seen.set(c.name, n);
    return n === 1 ? c.name : `${c.name}_${n}`;
  });
  const rows = result.rows.map((row) => Object.fromEntries(keys.map((k, i) => [k, row[i] ?? null])));
  const table = rows.length ? formatTable(rows) : `${keys.map((k) => k.toUpperCase()).join('  ')}\n`;
  const count = `${result.rowCount} row${result.rowCount === 1 ? '' : 's'}`;
  return `${table}(${count}${result.truncated ? `; more were cut off at ${BREAK_GLASS_ROW_LIMIT}` : ''})\n`;
}

/** `tenants query`: an audited break-glass read (libs/break-glass), the CLI's POST /v1/tenants/{ref}/query. */
export function tenantsQueryCommand(): Command {
  return new Command('query')
    .description(
      "run one read-only statement in a tenant's context, as a role that can only read (break-glass: audited with your reason)",
    )
    .argument('<slug>', 'tenant slug or id')
    .argument('<sql>', 'one SELECT, WITH … SELECT, VALUES, TABLE or EXPLAIN (without ANALYZE) statement')
    .requiredOption('--reason <text>', 'why you need this read (3–500 characters); kept in the audit log')
    .option('--json', 'print { columns, rows, rowCount, truncated } as the control-plane API does')
    .addHelpText(
      'after',
      '\nExample:\n  switchyard tenants query acme --reason "INC-1234: missing entries" "SELECT id, email FROM employees"',
    )
    .action(async (ref: string, sql: string, options: { reason: string; json?: boolean }) => {
      await withCliContext(async (context) => {
        // Not registered in the CLI's module: created here from the providers it needs (all global).
        const service = await context.get(ModuleRef).create(BreakGlassService);
        const result = await service.query(ref, { reason: options.reason, sql }, cliActor());
        if (options.json) printJson(result);
        else process.stdout.write(formatQueryResult(result));
      });
    });
}
