/** A node of `EXPLAIN (VERBOSE, FORMAT JSON)`; only the fields break-glass judges. */
interface PlanNode {
  'Node Type'?: string;
  Operation?: string;
  'Relation Name'?: string;
  Schema?: string;
  Plans?: PlanNode[];
}

function planRoots(plan: unknown): PlanNode[] {
  const entries = Array.isArray(plan) ? (plan as { Plan?: PlanNode }[]) : [];
  return entries.map((e) => e.Plan).filter((p): p is PlanNode => p !== undefined);
}

/**
 * Why a plan is refused, or null: it writes (ModifyTable, a data-modifying CTE), locks rows (LockRows),
 * or reads any relation but the tenant's own tables — `allowed` names them, all in `schema` — such as a
 * system catalog, another tenant's schema, or the ledger.
 */
export function refusedPlan(plan: unknown, schema: string, allowed: ReadonlySet<string>): string | null {
  const roots = planRoots(plan);
  if (!roots.length) return 'The statement has no plan to check';
  let refusal: string | null = null;
  const walk = (node: PlanNode) => {
    if (refusal) return;
    const type = node['Node Type'];
    if (type === 'ModifyTable')
      refusal = `The statement writes (${node.Operation ?? 'ModifyTable'}): break-glass only reads`;
    else if (type === 'LockRows') refusal = 'The statement locks rows (FOR UPDATE / FOR SHARE): break-glass only reads';
    else if (node['Relation Name'] !== undefined) {
      const name = node['Relation Name'];
      if (node.Schema !== schema || !allowed.has(name))
        refusal = `The statement reads ${node.Schema ?? '?'}.${name}: only this tenant's tables (${schema}.${[...allowed].sort().join(`, ${schema}.`)}) may be read`;
    }
    for (const child of node.Plans ?? []) walk(child);
  };
  for (const root of roots) walk(root);
  return refusal;
}
