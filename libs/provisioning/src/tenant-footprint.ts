import { Injectable } from '@nestjs/common';
import { ServerDirectory, type TenantRecord } from '@switchyard/control-plane';
import { inTransaction, OwnerPools, quoteIdent, tenantTables } from '@switchyard/postgres';

export interface Footprint {
  rows: number;
  /** Bytes of the tenant's rows (as stored, without indexes). */
  bytes: number;
  tables: { table: string; rows: number; bytes: number }[];
}

/**
 * How much a tenant stores where it lives now, in any tier: rows and bytes of its rows in every tenant
 * table (found in the catalog), read in one read-only snapshot under the tenant's own context.
 */
@Injectable()
export class TenantFootprint {
  constructor(
    private readonly servers: ServerDirectory,
    private readonly pools: OwnerPools,
  ) {}

  async of(tenant: TenantRecord): Promise<Footprint> {
    const { server, database, schema } = tenant.placement;
    return this.pools.withClient(this.servers.ownerUrl(server, database), (client) =>
      inTransaction(
        client,
        async () => {
          // The tenant context also satisfies FORCE RLS for an owner that is not a superuser.
          await client.query("SELECT set_config('switchyard.tenant_id', $1, true)", [tenant.id]);
          const tables: Footprint['tables'] = [];
          for (const table of await tenantTables(client, schema)) {
            const { rows } = await client.query<{ rows: string; bytes: string }>(
              `SELECT count(*)::text AS rows, coalesce(sum(pg_column_size(t.*)), 0)::text AS bytes
                 FROM ${quoteIdent(schema)}.${quoteIdent(table)} t WHERE t.tenant_id = $1`,
              [tenant.id],
            );
            tables.push({ table, rows: Number(rows[0]?.rows ?? 0), bytes: Number(rows[0]?.bytes ?? 0) });
          }
          return {
            rows: tables.reduce((n, t) => n + t.rows, 0),
            bytes: tables.reduce((n, t) => n + t.bytes, 0),
            tables,
          };
        },
        { isolation: 'repeatable read', readOnly: true },
      ),
    );
  }
}
