import { Injectable } from '@nestjs/common';
import { LedgerRepository, ServerDirectory, type TenantRecord } from '@switchyard/control-plane';
import { MigrationSets, sharedTargetKey } from '@switchyard/migrations';
import { inTransaction, quoteIdent, raiseReadFence, tenantTables, withOwnerClient } from '@switchyard/postgres';
import type { Site, TierProvisioner } from './tier-provisioner';

@Injectable()
export class SharedTierProvisioner implements TierProvisioner {
  readonly tier = 'shared' as const;

  constructor(
    private readonly servers: ServerDirectory,
    private readonly ledger: LedgerRepository,
    private readonly sets: MigrationSets,
  ) {}

  location(_tenantId: string, { server, database }: Site) {
    return { server, database, schema: 'public' };
  }

  /** The shared database is migrated at installation; a shared tenant is just a control-plane row. */
  async provision(tenant: TenantRecord): Promise<string | null> {
    const key = sharedTargetKey(tenant.placement.server, tenant.placement.database);
    const applied = (await this.ledger.entriesFor(key)).filter((e) => e.status === 'applied').map((e) => e.migration);
    const files = this.sets.get('tenant').files.map((f) => f.name);
    return files.filter((name) => applied.includes(name)).at(-1) ?? null;
  }

  /**
   * Deletes the tenant's rows from every tenant table of the shared cell (found in its catalog, children
   * first), and fences the cell against the tenant in the same transaction: a router that has not yet
   * heard of the offboarding is refused rather than answered with nothing.
   */
  async deprovision(tenant: TenantRecord): Promise<void> {
    const url = this.servers.ownerUrl(tenant.placement.server, tenant.placement.database);
    await withOwnerClient(url, async (client) => {
      const tables = await tenantTables(client, 'public');
      await inTransaction(client, async () => {
        // The tenant context also satisfies FORCE RLS when the owner is not a superuser.
        await client.query(
          "SELECT set_config('switchyard.tenant_id', $1, true), set_config('search_path', 'public', true)",
          [tenant.id],
        );
        for (const table of [...tables].reverse()) {
          await client.query(`DELETE FROM ${quoteIdent(table)} WHERE tenant_id = $1`, [tenant.id]);
        }
        await raiseReadFence(client, tenant.id, 'public');
      });
    });
  }
}
