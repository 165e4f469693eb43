import { Injectable } from '@nestjs/common';
import { SwitchyardConfig } from '@switchyard/config';
import { LedgerRepository, ServerDirectory, type TenantRecord } from '@switchyard/control-plane';
import { DomainError } from '@switchyard/errors';
import { MigrationSets, MigrationRunner, tenantTargetKey } from '@switchyard/migrations';
import { OwnerPools, quoteIdent, tenantStorageNames } from '@switchyard/postgres';
import { grantBreakGlassRead } from '../break-glass-grants';
import type { Site, TierProvisioner } from './tier-provisioner';

@Injectable()
export class SchemaTierProvisioner implements TierProvisioner {
  readonly tier = 'schema' as const;

  constructor(
    private readonly config: SwitchyardConfig,
    private readonly servers: ServerDirectory,
    private readonly runner: MigrationRunner,
    private readonly ledger: LedgerRepository,
    private readonly sets: MigrationSets,
    private readonly pools: OwnerPools,
  ) {}

  location(tenantId: string, { server, database }: Site) {
    return { server, database, schema: tenantStorageNames(tenantId).schema };
  }

  async provision(tenant: TenantRecord): Promise<string | null> {
    const { server, database } = tenant.placement;
    const schema = tenantStorageNames(tenant.id).schema;
    const url = this.servers.ownerUrl(server, database);
    await this.pools.withClient(url, async (client) => {
      await client.query(`CREATE SCHEMA IF NOT EXISTS ${quoteIdent(schema)}`);
      // Before the migrations: the tables they create are readable by the break-glass role by default.
      await grantBreakGlassRead(client, schema, this.config.names.breakGlassRole);
    });
    const result = await this.runner.migrateTarget(
      {
        key: tenantTargetKey('schema', tenant.id),
        set: 'tenant',
        tier: 'schema',
        tenantId: tenant.id,
        server,
        database,
        schema,
        url,
        appRole: this.config.names.appRole,
      },
      this.sets.get('tenant'),
    );
    if (result.error) throw new DomainError('PROVISIONING_FAILED', result.error.message);
    return result.version;
  }

  async deprovision(tenant: TenantRecord): Promise<void> {
    const { server, database } = tenant.placement;
    const schema = tenantStorageNames(tenant.id).schema;
    await this.pools.withClient(this.servers.ownerUrl(server, database), async (client) => {
      await client.query(`DROP SCHEMA IF EXISTS ${quoteIdent(schema)} CASCADE`);
      await client.query('DELETE FROM switchyard_meta.migrations WHERE target_schema = $1', [schema]);
    });
    await this.ledger.forgetTarget(tenantTargetKey('schema', tenant.id));
  }
}
