import { Injectable, Logger } from '@nestjs/common';
import { SwitchyardConfig } from '@switchyard/config';
import {
  CellsRepository,
  controlPlaneUrl,
  MAIN_CELL,
  PRIMARY_SERVER,
  ServerDirectory,
  ServersRepository,
} from '@switchyard/control-plane';
import {
  MigrationRunner,
  MigrationSets,
  readLocalLedger,
  sharedTargetKey,
  templateTargetKey,
  type MigrationTarget,
  withInstallationLock,
} from '@switchyard/migrations';
import { ensureFenceSchema, isPgError, PgErrorCode, quoteIdent, withOwnerClient } from '@switchyard/postgres';
import type { Client } from 'pg';
import { ensureBreakGlassRole, grantBreakGlassRead } from './break-glass-grants';

/**
 * What installation does with the tenant migration set in the shared and template databases.
 * - `bootstrap`: a database never migrated at all (empty target-local ledger: a new installation or a newly
 *   added server) is brought to the latest version. That is installing, not migrating: a database holding
 *   any migration is left where it is, since advancing it is `switchyard migrate`'s job (waves, canary,
 *   report), never a side effect of starting a process or running another command.
 * - `latest`: brings them to the latest version (`switchyard dev`, the embedded quick start).
 * - `skip`: leaves them to the caller (`switchyard migrate` migrates them in its own first wave).
 */
export type TenantTargetsMode = 'bootstrap' | 'latest' | 'skip';

/**
 * Brings a server to the state every other part assumes: the application role, the control-plane
 * database (migrated), the shared and template databases (installed, see TenantTargetsMode), and the
 * servers registered. Idempotent and serialised across processes, so every entry point (apps, CLI,
 * tests) may call it at start-up.
 */
@Injectable()
export class InstallationService {
  private readonly logger = new Logger(InstallationService.name);

  constructor(
    private readonly config: SwitchyardConfig,
    private readonly servers: ServerDirectory,
    private readonly serversRepository: ServersRepository,
    private readonly cells: CellsRepository,
    private readonly runner: MigrationRunner,
    private readonly sets: MigrationSets,
  ) {}

  /** Installs what is missing; tenant migrations go only as far as `tenantTargets` says (default bootstrap). */
  async ensureInstalled(options: { tenantTargets?: TenantTargetsMode } = {}): Promise<void> {
    const mode = options.tenantTargets ?? 'bootstrap';
    const { controlDatabase, sharedDatabase, templateDatabase } = this.config.names;
    const targets = this.sharedAndTemplateTargets();
    const neverMigrated = new Set<string>();
    const inspect = async (server: string) => {
      for (const target of targets.filter((t) => t.server === server)) {
        if (await this.prepareTarget(target)) neverMigrated.add(target.key);
      }
    };
    const maintenanceUrl = this.servers.maintenanceUrl(PRIMARY_SERVER);
    await withInstallationLock(maintenanceUrl, 'exclusive', async (client) => {
      await this.ensureAppRole(client);
      for (const database of [controlDatabase, sharedDatabase, templateDatabase])
        await this.ensureDatabase(client, database);
      await client.query(`REVOKE CONNECT, TEMPORARY ON DATABASE ${quoteIdent(templateDatabase)} FROM PUBLIC`);
      await this.closeCellDatabase(client, sharedDatabase);
      await this.installControlPlane();
      await this.serversRepository.upsert({ name: PRIMARY_SERVER, ...this.servers.address(PRIMARY_SERVER) });
      await this.cells.upsert({ name: MAIN_CELL, server: PRIMARY_SERVER, database: sharedDatabase });
      // Under the lock: a connection to the template would make a concurrent clone of it fail.
      await inspect(PRIMARY_SERVER);
    });
    // Other servers hold tenant databases only: the application role and a template to clone from.
    for (const server of this.servers.names().filter((s) => s !== PRIMARY_SERVER)) {
      await withInstallationLock(this.servers.maintenanceUrl(server), 'exclusive', async (client) => {
        await this.ensureAppRole(client);
        await this.ensureDatabase(client, templateDatabase);
        await client.query(`REVOKE CONNECT, TEMPORARY ON DATABASE ${quoteIdent(templateDatabase)} FROM PUBLIC`);
        await inspect(server);
      });
      await this.serversRepository.upsert({ name: server, ...this.servers.address(server) });
    }
    const install = { latest: targets, bootstrap: targets.filter((t) => neverMigrated.has(t.key)), skip: [] }[mode];
    // Outside the lock: migrating the template takes the same lock itself (cloning must wait for it).
    for (const target of install) await this.migrate(target, neverMigrated.has(target.key));
  }

  /**
   * Creates a shared cell's database on `server` (if missing) and brings it to the latest tenant
   * migration: a new cell is installed, like the main one at installation. Idempotent.
   */
  async installCell(server: string, database: string): Promise<void> {
    const target = this.cellTarget(server, database);
    await withInstallationLock(this.servers.maintenanceUrl(server), 'exclusive', async (client) => {
      await this.ensureAppRole(client);
      await this.ensureDatabase(client, database);
      await this.closeCellDatabase(client, database);
    });
    await this.prepareTarget(target);
    await this.migrate(target, true);
  }

  /** A cell is reachable by the application role only (no TEMPORARY either). */
  private async closeCellDatabase(client: Client, database: string): Promise<void> {
    await client.query(
      `REVOKE ALL ON DATABASE ${quoteIdent(database)} FROM PUBLIC; GRANT CONNECT ON DATABASE ${quoteIdent(database)} TO ${quoteIdent(this.config.names.appRole)}`,
    );
  }

  private cellTarget(server: string, database: string): MigrationTarget {
    return {
      key: sharedTargetKey(server, database),
      set: 'tenant',
      tier: 'shared',
      tenantId: null,
      server,
      database,
      schema: 'public',
      url: this.servers.ownerUrl(server, database),
      appRole: this.config.names.appRole,
    };
  }

  private async ensureAppRole(client: Client): Promise<void> {
    const role = quoteIdent(this.config.names.appRole);
    const password = this.config.appRolePassword
      ? `PASSWORD ${client.escapeLiteral(this.config.appRolePassword)}`
      : 'PASSWORD NULL';
    // The application role must never be able to bypass RLS or own anything (I2): enforce it on every start.
    const attributes = `LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOREPLICATION NOBYPASSRLS ${password}`;
    const { rows } = await client.query<{ risky: boolean }>(
      'SELECT rolsuper OR rolbypassrls OR rolcreatedb OR rolcreaterole OR rolreplication AS risky FROM pg_roles WHERE rolname = $1',
      [this.config.names.appRole],
    );
    if (rows[0]?.risky) {
      // Someone widened the role: say so loudly (and run `switchyard doctor`), then narrow it again.
      this.logger.error(
        `application role ${this.config.names.appRole} had elevated attributes (superuser/BYPASSRLS/…); removing them`,
      );
    }
    if (rows.length) await client.query(`ALTER ROLE ${role} ${attributes}`);
    else await client.query(`CREATE ROLE ${role} ${attributes}`);
    // Wherever the application role is, so is the (read-only, NOLOGIN) break-glass role.
    await ensureBreakGlassRole(client, this.config.names.breakGlassRole, this.logger);
  }

  private async ensureDatabase(client: Client, database: string): Promise<void> {
    const { rowCount } = await client.query('SELECT 1 FROM pg_database WHERE datname = $1', [database]);
    if (rowCount) return;
    try {
      await client.query(`CREATE DATABASE ${quoteIdent(database)}`);
      this.logger.log(`created database ${database}`);
    } catch (error) {
      if (!isPgError(error, PgErrorCode.duplicateDatabase)) throw error;
    }
  }

  private async installControlPlane(): Promise<void> {
    const url = controlPlaneUrl(this.config);
    const applied = await this.runner.migrateControlPlane(url, this.sets.get('control-plane'));
    if (applied.length) this.logger.log(`control plane migrated: ${applied.join(', ')}`);
    const role = quoteIdent(this.config.names.appRole);
    await withOwnerClient(url, async (client) => {
      await client.query(`
        REVOKE ALL ON DATABASE ${quoteIdent(this.config.names.controlDatabase)} FROM PUBLIC;
        GRANT CONNECT ON DATABASE ${quoteIdent(this.config.names.controlDatabase)} TO ${role};
        REVOKE CREATE ON SCHEMA public FROM PUBLIC;
        GRANT USAGE ON SCHEMA public TO ${role};
        GRANT SELECT ON tenants, placements, servers TO ${role};
        GRANT SELECT, INSERT, UPDATE ON tenant_usage TO ${role};`);
    });
  }

  /** The shared database of the primary server and the template database of every server. */
  private sharedAndTemplateTargets(): MigrationTarget[] {
    const { sharedDatabase, templateDatabase, appRole } = this.config.names;
    return [
      { key: sharedTargetKey(PRIMARY_SERVER, sharedDatabase), server: PRIMARY_SERVER, database: sharedDatabase },
      ...this.servers.names().map((server) => ({
        key: templateTargetKey(server, templateDatabase),
        server,
        database: templateDatabase,
      })),
    ].map(({ key, server, database }) => ({
      key,
      set: 'tenant',
      tier: key.startsWith('shared') ? 'shared' : 'database',
      tenantId: null,
      server,
      database,
      schema: 'public',
      url: this.servers.ownerUrl(server, database),
      appRole,
      template: database === templateDatabase,
    }));
  }

  /**
   * Closes the public schema to PUBLIC, installs the read fence and lets the break-glass role read the
   * tenant tables (tenant databases cloned from a template inherit both); true when the target holds no
   * tenant migration at all.
   */
  private async prepareTarget(target: MigrationTarget): Promise<boolean> {
    return withOwnerClient(target.url, async (client) => {
      await client.query('REVOKE CREATE ON SCHEMA public FROM PUBLIC');
      await ensureFenceSchema(client, this.config.names.appRole);
      await grantBreakGlassRead(client, 'public', this.config.names.breakGlassRole);
      return (await readLocalLedger(client, target.schema, 'tenant')).size === 0;
    });
  }

  private async migrate(target: MigrationTarget, neverMigrated: boolean): Promise<void> {
    const result = await this.runner.migrateTarget(target, this.sets.get('tenant'));
    if (result.error) throw result.error;
    if (result.applied.length) {
      this.logger.log(`${target.key} ${neverMigrated ? 'installed' : 'migrated'}: ${result.applied.join(', ')}`);
    }
  }
}
