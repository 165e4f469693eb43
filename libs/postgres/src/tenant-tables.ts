import type { ClientBase } from 'pg';

/** A tenant table and the tenant tables its foreign keys point at. */
export interface TenantTableLinks {
  name: string;
  parents: string[];
}

/**
 * The tenant tables of one schema, as the catalog has them: every ordinary or partitioned table with a
 * `tenant_id` column (I3), whatever the consuming application named them. The core finds them here —
 * moves, offboarding — and never from a list of the sample domain's tables, so a table an application
 * adds by a migration is moved and removed with the tenant's other rows.
 */
export async function tenantTables(client: ClientBase, schema: string): Promise<string[]> {
  const { rows } = await client.query<TenantTableLinks>(
    `SELECT c.relname::text AS name,
            coalesce(array_agg(DISTINCT p.relname::text) FILTER (WHERE p.oid IS NOT NULL AND p.oid <> c.oid), '{}'::text[]) AS parents
       FROM pg_catalog.pg_class c
       JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
       LEFT JOIN pg_catalog.pg_constraint k ON k.conrelid = c.oid AND k.contype = 'f'
       LEFT JOIN pg_catalog.pg_class p ON p.oid = k.confrelid AND p.relnamespace = c.relnamespace
      WHERE n.nspname = $1 AND c.relkind IN ('r', 'p') AND NOT c.relispartition
        AND EXISTS (SELECT 1 FROM pg_catalog.pg_attribute a
                     WHERE a.attrelid = c.oid AND a.attname = 'tenant_id' AND a.attnum > 0 AND NOT a.attisdropped)
      GROUP BY c.relname`,
    [schema],
  );
  return parentsFirst(rows);
}

/**
 * Orders tables so that every table comes after the tables its foreign keys reference (copies and
 * upserts go in this order, deletes in reverse); ties by name, so the order is stable. Links to tables
 * outside the set are ignored; a cycle of foreign keys is refused, since no insert order satisfies it.
 */
export function parentsFirst(tables: readonly TenantTableLinks[]): string[] {
  const names = new Set(tables.map((t) => t.name));
  const pending = new Map(tables.map((t) => [t.name, new Set(t.parents.filter((p) => names.has(p) && p !== t.name))]));
  const ordered: string[] = [];
  while (pending.size > 0) {
    const ready = [...pending].filter(([, parents]) => parents.size === 0).map(([name]) => name);
    if (ready.length === 0) {
      throw new Error(`Tenant tables reference each other in a cycle: ${[...pending.keys()].sort().join(', ')}`);
    }
    for (const name of ready.sort()) {
      ordered.push(name);
      pending.delete(name);
      for (const parents of pending.values()) parents.delete(name);
    }
  }
  return ordered;
}
