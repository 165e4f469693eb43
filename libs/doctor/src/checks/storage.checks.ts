import type { TenantRecord } from '@switchyard/control-plane';
import { tenantStorageNames } from '@switchyard/postgres';
import type { ServerCatalog } from '../catalog.types';
import { error, warning, type Finding } from '../finding';

const TENANT_SCHEMA = /^t_[0-9a-f]{32}$/;
const TENANT_DATABASE = /^sy_t_[0-9a-f]{32}$/;

/** A database whose catalog was read, with the schemas it holds. */
export interface ScannedDatabase {
  server: string;
  database: string;
  target: string;
  schemas: string[];
}

/** Tenants that are being created or removed may legitimately lack their storage for a moment. */
const settled = (t: TenantRecord) => t.status !== 'provisioning' && t.status !== 'deleting';
const tenantKey = (t: TenantRecord) => `${t.tier}:${t.id}`;

function placementFindings(
  tenant: TenantRecord,
  servers: Map<string, ServerCatalog>,
  scanned: ScannedDatabase[],
): Finding[] {
  const names = tenantStorageNames(tenant.id);
  const { server, database, schema } = tenant.placement;
  const target = tenantKey(tenant);
  const expected =
    tenant.tier === 'schema'
      ? schema === names.schema
      : tenant.tier === 'database'
        ? database === names.database && schema === 'public'
        : schema === 'public';
  if (!expected) {
    return [
      error(
        'PLACEMENT_MISMATCH',
        target,
        `placement ${server}/${database}/${schema}`,
        `the placement does not name the storage derived from the tenant id (${tenant.tier === 'database' ? names.database : names.schema})`,
      ),
    ];
  }
  if (!settled(tenant)) return [];
  if (tenant.tier === 'schema') {
    const home = scanned.find((d) => d.server === server && d.database === database);
    if (home && !home.schemas.includes(schema))
      return [
        error(
          'PLACEMENT_MISSING',
          target,
          `schema ${schema}`,
          `tenant ${tenant.slug} is placed in schema ${schema} of ${database}, which does not exist`,
        ),
      ];
  }
  if (tenant.tier === 'database') {
    const catalog = servers.get(server);
    if (catalog && !catalog.databases.some((d) => d.name === database)) {
      return [
        error(
          'PLACEMENT_MISSING',
          target,
          `database ${database}`,
          `tenant ${tenant.slug} is placed in database ${database} on ${server}, which does not exist`,
        ),
      ];
    }
  }
  return [];
}

/**
 * I6: storage and the control plane agree. Every settled placement's schema or database exists; every
 * tenant schema (`t_<hex>`) and tenant database (`sy_t_<hex>`) belongs to a tenant, and to the tenant's
 * current placement unless the tenant is moving. A server may hold several installations, and tenant
 * database names do not say which: a `sy_t_` database is this installation's when it grants CONNECT to
 * this installation's application role, as provisioning does.
 */
export function storageFindings(
  tenants: TenantRecord[],
  servers: Map<string, ServerCatalog>,
  scanned: ScannedDatabase[],
): Finding[] {
  const findings = tenants.flatMap((t) => placementFindings(t, servers, scanned));
  const bySchema = new Map(tenants.map((t) => [tenantStorageNames(t.id).schema, t]));
  const byDatabase = new Map(tenants.map((t) => [tenantStorageNames(t.id).database, t]));

  for (const db of scanned) {
    for (const schema of db.schemas.filter((s) => TENANT_SCHEMA.test(s))) {
      const tenant = bySchema.get(schema);
      const object = `schema ${schema}`;
      if (!tenant) {
        findings.push(
          error(
            'ORPHAN_SCHEMA',
            db.target,
            object,
            `tenant schema in ${db.database} without a tenant in the control plane`,
          ),
        );
        continue;
      }
      const placed =
        tenant.tier === 'schema' && tenant.placement.server === db.server && tenant.placement.database === db.database;
      if (!placed && tenant.state !== 'moving') {
        findings.push(
          warning(
            'STRAY_SCHEMA',
            db.target,
            object,
            `schema of tenant ${tenant.slug}, which is placed elsewhere (${tenant.tier} tier): leftover data`,
          ),
        );
      }
    }
  }
  for (const [server, catalog] of servers) {
    for (const database of catalog.databases.filter((d) => d.grantsApp && TENANT_DATABASE.test(d.name))) {
      const tenant = byDatabase.get(database.name);
      const object = `database ${database.name}`;
      if (!tenant) {
        findings.push(
          error('ORPHAN_DATABASE', `server:${server}`, object, 'tenant database without a tenant in the control plane'),
        );
        continue;
      }
      const placed = tenant.tier === 'database' && tenant.placement.server === server;
      if (!placed && tenant.state !== 'moving') {
        findings.push(
          warning(
            'STRAY_DATABASE',
            `server:${server}`,
            object,
            `database of tenant ${tenant.slug}, which is placed elsewhere (${tenant.tier} tier): leftover data`,
          ),
        );
      }
    }
  }
  return findings;
}
