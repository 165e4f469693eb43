import { Inject, Injectable, Logger } from '@nestjs/common';
import { LedgerRepository, ServerDirectory, type TenantRecord, type Tier } from '@switchyard/control-plane';
import { tenantTargetKey } from '@switchyard/migrations';
import {
  bestEffort,
  inTransaction,
  isPgError,
  OwnerPools,
  quoteIdent,
  readersOlderThanFence,
  tenantStorageNames,
  tenantTables,
  withOwnerClient,
} from '@switchyard/postgres';
import { TIER_PROVISIONERS, type TierProvisioner } from '@switchyard/provisioning';
import type { MoveLocation } from './move-location';
import { FENCE_CLEANUP, fenceState, installFence, removeWriteFence } from './capture.sql';
import { qualified } from './table-columns';

/**
 * Creates and removes a tenant's storage at a move's endpoints, reusing the tier provisioners for
 * creation. Removal is by derived name only (I6): a tenant schema or database is dropped only if it is
 * the tenant's own; in a shared cell only the tenant's rows are deleted.
 */
@Injectable()
export class MoveStorage {
  private readonly logger = new Logger(MoveStorage.name);
  private readonly provisioners: Map<Tier, TierProvisioner>;

  constructor(
    @Inject(TIER_PROVISIONERS) provisioners: TierProvisioner[],
    private readonly servers: ServerDirectory,
    private readonly pools: OwnerPools,
    private readonly ledger: LedgerRepository,
  ) {
    this.provisioners = new Map(provisioners.map((p) => [p.tier, p]));
  }

  /** Makes the target exist at the latest schema version (schema or database), or checks the shared cell. */
  async prepare(tenant: TenantRecord, to: MoveLocation): Promise<void> {
    const atTarget: TenantRecord = {
      ...tenant,
      tier: to.tier,
      placement: { server: to.server, database: to.database, schema: to.schema },
    };
    await this.provisioners.get(to.tier)!.provision(atTarget);
  }

  /**
   * Deletes the tenant's rows at a location (a partial copy, or old data in a shared cell). The fence
   * stays up throughout: it lets exactly this deletion through (see installFence), so no DDL and no
   * table lock beyond an ordinary DELETE's — the other tenants of a shared cell keep writing. A fence
   * from before that exemption is lifted and put back in the same transaction instead.
   */
  async deleteRows(tenantId: string, at: MoveLocation): Promise<void> {
    await this.pools.withClient(this.servers.ownerUrl(at.server, at.database), async (client) => {
      const exists = await client.query('SELECT 1 FROM pg_namespace WHERE nspname = $1', [at.schema]);
      if (!exists.rowCount) return;
      const tables = await tenantTables(client, at.schema);
      await inTransaction(client, async () => {
        const legacyFence = (await fenceState(client, at.schema, tenantId)) === 'legacy';
        if (legacyFence) await removeWriteFence(client, at.schema, tables, tenantId);
        await client.query('SELECT set_config($1, $2, true)', [FENCE_CLEANUP, tenantId]);
        // The tenant context also satisfies FORCE RLS when the owner is not a superuser.
        await client.query("SELECT set_config('switchyard.tenant_id', $1, true)", [tenantId]);
        // Children first: composite foreign keys point from them to their parents.
        for (const table of [...tables].reverse()) {
          await client.query(`DELETE FROM ${qualified(at.schema, table)} WHERE tenant_id = $1`, [tenantId]);
        }
        if (legacyFence) await installFence(client, at.schema, tables, tenantId);
      });
    });
  }

  /**
   * Waits (up to `timeoutMs`) for the transactions that began at `at` before the tenant's read fence
   * went up: one of them may have set the tenant's context just before the fence and still be reading,
   * and removing the rows under it would show it half a tenant. New ones are refused by the fence.
   */
  async drainStaleReaders(tenantId: string, at: MoveLocation, timeoutMs: number): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    await this.pools.withClient(this.servers.ownerUrl(at.server, at.database), async (client) => {
      for (;;) {
        const readers = await readersOlderThanFence(client, tenantId, at.schema).catch((error: unknown) => {
          if (isPgError(error, '42P01') || isPgError(error, '3F000')) return 0; // no fence table: nothing to wait for
          throw error;
        });
        if (readers === 0) return;
        if (Date.now() > deadline) {
          this.logger.warn(
            `${readers} transaction(s) older than the fence of ${tenantId} still open at ${at.database}/${at.schema}; removing its old data anyway`,
          );
          return;
        }
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
    });
  }

  /** Removes the tenant's storage at a location: its rows in a shared cell, its own schema or database. */
  async remove(tenantId: string, at: MoveLocation, keepLedgerKey: boolean): Promise<void> {
    const names = tenantStorageNames(tenantId);
    if (at.tier === 'shared') return this.deleteRows(tenantId, at);
    if (at.tier === 'schema') {
      if (at.schema !== names.schema) throw new Error(`refusing to drop foreign schema ${at.schema}`);
      await this.pools.withClient(this.servers.ownerUrl(at.server, at.database), async (client) => {
        await client.query(`DROP SCHEMA IF EXISTS ${quoteIdent(at.schema)} CASCADE`);
        await bestEffort(this.logger, `forgetting the ledger of ${at.schema}`, () =>
          client.query('DELETE FROM switchyard_meta.migrations WHERE target_schema = $1', [at.schema]),
        );
      });
    } else {
      if (at.database !== names.database) throw new Error(`refusing to drop foreign database ${at.database}`);
      await this.pools.close(this.servers.ownerUrl(at.server, at.database));
      await withOwnerClient(this.servers.maintenanceUrl(at.server), (client) =>
        client.query(`DROP DATABASE IF EXISTS ${quoteIdent(at.database)} WITH (FORCE)`),
      );
    }
    if (!keepLedgerKey) await this.ledger.forgetTarget(tenantTargetKey(at.tier, tenantId));
  }
}
