import { Injectable } from '@nestjs/common';
import { SwitchyardConfig } from '@switchyard/config';
import { LedgerRepository, ServerDirectory, type TenantRecord } from '@switchyard/control-plane';
import { DomainError } from '@switchyard/errors';
import { MigrationSets, MigrationRunner, tenantTargetKey, withInstallationLock } from '@switchyard/migrations';
import { isPgError, PgErrorCode, quoteIdent, tenantStorageNames, withOwnerClient } from '@switchyard/postgres';
import { grantBreakGlassRead } from '../break-glass-grants';
import type { Site, TierProvisioner } from './tier-provisioner';

@Injectable()
export class DatabaseTierProvisioner implements TierProvisioner {
  readonly tier = 'database' as const;

  constructor(
    private readonly config: SwitchyardConfig,
    private readonly servers: ServerDirectory,
    private readonly runner: MigrationRunner,
    private readonly ledger: LedgerRepository,
    private readonly sets: MigrationSets,
  ) {}

  location(tenantId: string, { server }: Site) {
    return { server, database: tenantStorageNames(tenantId).database, schema: 'public' };
  }

  /** Clones the already-migrated template (fast), then applies whatever the template lacks. */
  async provision(tenant: TenantRecord): Promise<string | null> {
    const { server } = tenant.placement;
    const database = tenantStorageNames(tenant.id).database;
    const db = quoteIdent(database);
    await withInstallationLock(this.servers.maintenanceUrl(server), 'shared', async (client) => {
      try {
        await client.query(`CREATE DATABASE ${db} TEMPLATE ${quoteIdent(this.config.names.templateDatabase)}`);
      } catch (error) {
        if (!isPgError(error, PgErrorCode.duplicateDatabase)) throw error;
      }
      await client.query(
        `REVOKE ALL ON DATABASE ${db} FROM PUBLIC; GRANT CONNECT ON DATABASE ${db} TO ${quoteIdent(this.config.names.appRole)}`,
      );
    });
    const result = await this.runner.migrateTarget(
      {
        key: tenantTargetKey('database', tenant.id),
        set: 'tenant',
        tier: 'database',
        tenantId: tenant.id,
        server,
        database,
        schema: 'public',
        url: this.servers.ownerUrl(server, database),
        appRole: this.config.names.appRole,
      },
      this.sets.get('tenant'),
    );
    if (result.error) throw new DomainError('PROVISIONING_FAILED', result.error.message);
    // The clone carries the template's grants and defaults; a template from before they existed does not.
    await withOwnerClient(this.servers.ownerUrl(server, database), (client) =>
      grantBreakGlassRead(client, 'public', this.config.names.breakGlassRole),
    );
    return result.version;
  }

  async deprovision(tenant: TenantRecord): Promise<void> {
    const database = tenantStorageNames(tenant.id).database;
    await withOwnerClient(this.servers.maintenanceUrl(tenant.placement.server), (client) =>
      client.query(`DROP DATABASE IF EXISTS ${quoteIdent(database)} WITH (FORCE)`),
    );
    await this.ledger.forgetTarget(tenantTargetKey('database', tenant.id));
  }
}
