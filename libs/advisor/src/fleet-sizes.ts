import { Injectable } from '@nestjs/common';
import { ServerDirectory, type TenantRecord } from '@switchyard/control-plane';
import { OwnerPools, quoteIdent, tenantTables } from '@switchyard/postgres';

export interface TenantSize {
  rows: number;
  bytes: number;
  /** From the statistics collector (schema tier), not counted. */
  approximate: boolean;
}

/**
 * The size of every shared- and schema-tier tenant, a few queries per cell rather than a few per
 * tenant: shared tables are counted once, grouped by tenant (the owner role bypasses RLS, as moves
 * need it to); a tenant schema's size comes from the statistics collector's live-row counts.
 * Database-tier tenants are not sized here: they are already in the top tier.
 */
@Injectable()
export class FleetSizes {
  constructor(
    private readonly servers: ServerDirectory,
    private readonly pools: OwnerPools,
  ) {}

  async of(tenants: TenantRecord[]): Promise<Map<string, TenantSize>> {
    const sizes = new Map<string, TenantSize>();
    for (const group of groupByLocation(tenants.filter((t) => t.tier !== 'database')).values()) {
      const { server, database, schema } = group[0]!.placement;
      await this.pools.withClient(this.servers.ownerUrl(server, database), async (client) => {
        if (group[0]!.tier === 'shared') {
          for (const table of await tenantTables(client, schema)) {
            const { rows } = await client.query<{ tenant: string; rows: string; bytes: string }>(
              `SELECT t.tenant_id::text AS tenant, count(*)::text AS rows, sum(pg_column_size(t.*))::text AS bytes
                 FROM ${quoteIdent(schema)}.${quoteIdent(table)} t GROUP BY t.tenant_id`,
            );
            for (const row of rows) add(sizes, row.tenant, Number(row.rows), Number(row.bytes), false);
          }
        } else {
          const bySchema = new Map(group.map((t) => [t.placement.schema, t.id]));
          const { rows } = await client.query<{ schema: string; rows: string; bytes: string }>(
            `SELECT schemaname::text AS schema, sum(n_live_tup)::text AS rows, sum(pg_table_size(relid))::text AS bytes
               FROM pg_catalog.pg_stat_user_tables WHERE schemaname = ANY($1::text[]) GROUP BY schemaname`,
            [[...bySchema.keys()]],
          );
          for (const row of rows) add(sizes, bySchema.get(row.schema)!, Number(row.rows), Number(row.bytes), true);
        }
      });
    }
    return sizes;
  }
}

function add(sizes: Map<string, TenantSize>, tenant: string, rows: number, bytes: number, approximate: boolean) {
  const size = sizes.get(tenant) ?? { rows: 0, bytes: 0, approximate };
  sizes.set(tenant, { rows: size.rows + rows, bytes: size.bytes + bytes, approximate });
}

/** Shared tenants by their shared schema's database; schema tenants by database (one catalog query each). */
function groupByLocation(tenants: TenantRecord[]): Map<string, TenantRecord[]> {
  const groups = new Map<string, TenantRecord[]>();
  for (const t of tenants) {
    const { server, database, schema } = t.placement;
    const key = t.tier === 'shared' ? `shared:${server}/${database}/${schema}` : `schema:${server}/${database}`;
    const group = groups.get(key);
    if (group) group.push(t);
    else groups.set(key, [t]);
  }
  return groups;
}
