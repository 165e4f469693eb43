/** Snapshots of the PostgreSQL catalog that the checks judge; read by CatalogRepository. */

/** A table holding tenant data: any table with a `tenant_id` column outside system schemas. */
export interface TenantTableRow {
  schema: string;
  table: string;
  rlsEnabled: boolean;
  rlsForced: boolean;
  /** Table privileges the application role (or PUBLIC) holds beyond SELECT, INSERT, UPDATE, DELETE. */
  extraPrivileges: string[];
}

/** `pg_policy.polcmd`: `*` is FOR ALL; r, a, w, d are SELECT, INSERT, UPDATE, DELETE. */
export type PolicyCommand = '*' | 'r' | 'a' | 'w' | 'd';

export interface PolicyRow {
  schema: string;
  table: string;
  name: string;
  command: PolicyCommand;
  permissive: boolean;
  /** The policy is TO PUBLIC or to a role the application role belongs to. */
  appliesToApp: boolean;
  using: string | null;
  check: string | null;
}

export interface SchemaRow {
  name: string;
  appCreate: boolean;
}

export interface OwnedObjectRow {
  kind: string;
  schema: string;
  name: string;
}

export interface PrivilegeRow {
  object: string;
  privileges: string[];
}

export interface SecurityDefinerRow {
  schema: string;
  signature: string;
}

export interface UnsafeViewRow {
  schema: string;
  name: string;
  materialized: boolean;
}

/** Objects of a tenant schema depending on objects of another (non-system) schema, per dependent object. */
export interface SchemaReferenceRow {
  schema: string;
  dependent: string;
  foreignKey: boolean;
  referenced: string;
}

/** The read fence of one tenant-data database (see @switchyard/postgres location-fence). */
export interface FenceRow {
  /** The fence table and its refusing function exist. */
  present: boolean;
  /** The application role may read the fences and be refused by them (USAGE, SELECT, EXECUTE). */
  appCanRead: boolean;
  /** What the application role may change there: it must not be able to lift a fence. */
  appWrites: string[];
}

export interface DatabaseCatalog {
  schemas: SchemaRow[];
  tenantTables: TenantTableRow[];
  policies: PolicyRow[];
  owned: OwnedObjectRow[];
  metaPrivileges: PrivilegeRow[];
  securityDefiners: SecurityDefinerRow[];
  unsafeViews: UnsafeViewRow[];
  schemaReferences: SchemaReferenceRow[];
  /** Tenant-data databases only. */
  fence: FenceRow | null;
  /** Control-plane database only: what the application role may change there. */
  controlPlaneWrites: PrivilegeRow[];
  /** Tenant-data databases, when the break-glass role's name is given: what it may write or create there. */
  breakGlassWrites?: PrivilegeRow[];
}

export interface AppRoleAttributes {
  superuser: boolean;
  bypassRls: boolean;
  createDb: boolean;
  createRole: boolean;
  replication: boolean;
}

export interface DatabaseRow {
  name: string;
  ownedByApp: boolean;
  appCreate: boolean;
  /** The database's ACL names the application role itself (what provisioning grants a tenant database). */
  grantsApp: boolean;
}

export interface ServerCatalog {
  /** null when the role does not exist on the server. */
  role: AppRoleAttributes | null;
  memberships: string[];
  databases: DatabaseRow[];
  /** The break-glass role on this server (read when its name is given); see checks/break-glass.checks.ts. */
  breakGlass?: BreakGlassServerCatalog;
}

/** The break-glass role's attributes (null when it does not exist), memberships and database privileges. */
export interface BreakGlassServerCatalog {
  role: (AppRoleAttributes & { login: boolean }) | null;
  memberships: string[];
  /** Databases in which it may CREATE schemas or TEMPORARY tables. */
  databaseGrants: PrivilegeRow[];
}

export type DatabasePurpose = 'tenant-data' | 'control-plane';
