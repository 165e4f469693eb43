import { Injectable } from '@nestjs/common';
import { SwitchyardConfig } from '@switchyard/config';
import {
  controlPlaneUrl,
  PRIMARY_SERVER,
  ServerDirectory,
  TenantsRepository,
  type TenantRecord,
} from '@switchyard/control-plane';
import {
  FleetTargets,
  sharedTargetKey,
  tenantTargetKey,
  withInstallationLock,
  type FleetTarget,
} from '@switchyard/migrations';
import { CatalogRepository } from './catalog.repository';
import type { DatabaseCatalog, DatabasePurpose, ServerCatalog } from './catalog.types';
import { breakGlassDatabaseFindings, breakGlassServerFindings } from './checks/break-glass.checks';
import { fenceFindings } from './checks/fence.checks';
import { databasePrivilegeFindings, definerRightsFindings, serverFindings } from './checks/privileges.checks';
import { rlsFindings } from './checks/rls.checks';
import { schemaReferenceFindings } from './checks/schema-references.checks';
import { storageFindings, type ScannedDatabase } from './checks/storage.checks';
import { error, type DoctorReport, type Finding } from './finding';

/** One database to read: several fleet targets (the shared database and its tenant schemas) share one read. */
interface DatabaseScan {
  server: string;
  database: string;
  url: string;
  purpose: DatabasePurpose;
  template: boolean;
  /** Target of findings outside tenant schemas. */
  target: string;
  /** Tenant schema → its tenant's target. */
  tenantSchemas: Map<string, string>;
}

interface ScanResult {
  scan: DatabaseScan;
  catalog?: DatabaseCatalog;
  findings: Finding[];
}

const SEVERITY_ORDER = { error: 0, warning: 1 } as const;
const messageOf = (e: unknown) => (e instanceof Error ? e.message : String(e));

async function mapBounded<T, R>(items: T[], limit: number, fn: (item: T) => Promise<R>): Promise<R[]> {
  const results: R[] = new Array(items.length);
  // One iterator shared by every worker: each takes the next item no other worker has taken.
  const queue = items.entries();
  const worker = async () => {
    for (const [i, item] of queue) results[i] = await fn(item);
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(limit, items.length)) }, worker));
  return results;
}

/**
 * `switchyard doctor`: reads the catalog of every target (each shared database with its tenant
 * schemas, each template and tenant database, the control-plane database) and each server, and reports
 * every broken invariant it can see (I1, I2, I3, I6 and the read fence of I5; docs/invariants.md). It only
 * reads; it repairs nothing.
 */
@Injectable()
export class DoctorService {
  constructor(
    private readonly config: SwitchyardConfig,
    private readonly fleet: FleetTargets,
    private readonly tenants: TenantsRepository,
    private readonly servers: ServerDirectory,
    private readonly catalog: CatalogRepository,
  ) {}

  async run(): Promise<DoctorReport> {
    const { appRole, breakGlassRole } = this.config.names;
    const [targets, tenants] = await Promise.all([this.fleet.list(), this.tenants.all()]);
    const findings: Finding[] = [];

    const servers = new Map<string, ServerCatalog>();
    for (const server of this.servers.names()) {
      try {
        const catalog = await this.catalog.readServer(this.servers.maintenanceUrl(server), appRole, breakGlassRole);
        servers.set(server, catalog);
        findings.push(...serverFindings(server, catalog, appRole));
        findings.push(...breakGlassServerFindings(server, catalog, breakGlassRole));
      } catch (e) {
        findings.push(
          error(
            'TARGET_UNREACHABLE',
            `server:${server}`,
            `server ${server}`,
            `could not read the server catalog: ${messageOf(e)}`,
          ),
        );
      }
    }

    const scans = this.plan(targets, tenants);
    const present = scans.filter((scan) => {
      const databases = servers.get(scan.server)?.databases;
      if (!databases || databases.some((d) => d.name === scan.database)) return true;
      // A missing tenant database is a missing placement (storage checks); any other missing database is a broken installation.
      if (!scan.target.startsWith('database:'))
        findings.push(
          error('TARGET_UNREACHABLE', scan.target, `database ${scan.database}`, 'the database does not exist'),
        );
      return false;
    });
    const results = await mapBounded(present, this.config.migrations.concurrency, (scan) => this.scan(scan, appRole));
    for (const result of results) findings.push(...result.findings);

    const scanned: ScannedDatabase[] = results
      .filter((r) => r.catalog && r.scan.purpose === 'tenant-data')
      .map((r) => ({
        server: r.scan.server,
        database: r.scan.database,
        target: r.scan.target,
        schemas: r.catalog!.schemas.map((s) => s.name),
      }));
    findings.push(...storageFindings(tenants, servers, scanned));

    findings.sort(
      (a, b) =>
        SEVERITY_ORDER[a.severity] - SEVERITY_ORDER[b.severity] ||
        a.target.localeCompare(b.target) ||
        a.code.localeCompare(b.code) ||
        a.object.localeCompare(b.object),
    );
    return { ok: findings.length === 0, checkedTargets: targets.length + 1, findings };
  }

  /** Groups fleet targets by database, and adds the control-plane database. */
  private plan(targets: FleetTarget[], tenants: TenantRecord[]): DatabaseScan[] {
    const scans = new Map<string, DatabaseScan>();
    for (const t of targets) {
      const scan = scans.get(t.url) ?? {
        server: t.server,
        database: t.database,
        url: t.url,
        purpose: 'tenant-data' as const,
        template: false,
        target: t.kind === 'schema' ? sharedTargetKey(t.server, t.database) : t.key,
        tenantSchemas: new Map<string, string>(),
      };
      if (t.kind !== 'schema') scan.target = t.key;
      scan.template ||= Boolean(t.template);
      scans.set(t.url, scan);
    }
    for (const t of tenants) {
      if (t.tier !== 'schema') continue;
      const scan = [...scans.values()].find(
        (s) => s.server === t.placement.server && s.database === t.placement.database,
      );
      scan?.tenantSchemas.set(t.placement.schema, tenantTargetKey('schema', t.id));
    }
    const control = this.config.names.controlDatabase;
    return [
      {
        server: PRIMARY_SERVER,
        database: control,
        url: controlPlaneUrl(this.config),
        purpose: 'control-plane',
        template: false,
        target: `control-plane:${PRIMARY_SERVER}/${control}`,
        tenantSchemas: new Map(),
      },
      ...scans.values(),
    ];
  }

  private async scan(scan: DatabaseScan, appRole: string): Promise<ScanResult> {
    try {
      const catalog = await this.read(scan, appRole);
      const targetOf = (schema: string) => scan.tenantSchemas.get(schema) ?? scan.target;
      const findings = [
        ...databasePrivilegeFindings(catalog, targetOf),
        ...definerRightsFindings(catalog, targetOf),
        ...rlsFindings(catalog, targetOf),
        ...schemaReferenceFindings(catalog, targetOf),
        ...fenceFindings(catalog, targetOf),
        ...breakGlassDatabaseFindings(catalog, targetOf),
      ];
      return { scan, catalog, findings };
    } catch (e) {
      return {
        scan,
        findings: [
          error(
            'TARGET_UNREACHABLE',
            scan.target,
            `database ${scan.database}`,
            `could not read the catalog: ${messageOf(e)}`,
          ),
        ],
      };
    }
  }

  /** A template is read under the installation lock and left with no connection: cloning it needs it idle. */
  private async read(scan: DatabaseScan, appRole: string): Promise<DatabaseCatalog> {
    const breakGlassRole = this.config.names.breakGlassRole;
    if (!scan.template) return this.catalog.readDatabase(scan.url, appRole, scan.purpose, breakGlassRole);
    return withInstallationLock(this.servers.maintenanceUrl(scan.server), 'exclusive', async () => {
      try {
        return await this.catalog.readDatabase(scan.url, appRole, scan.purpose, breakGlassRole);
      } finally {
        await this.catalog.release(scan.url);
      }
    });
  }
}
