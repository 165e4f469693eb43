import { Injectable, Logger } from '@nestjs/common';
import { SwitchyardConfig } from '@switchyard/config';
import { PRIMARY_SERVER, ServerDirectory } from '@switchyard/control-plane';
import { AdvisoryLock, pgErrorOf, tenantStorageNames, withOwnerClient } from '@switchyard/postgres';
import type { Client } from 'pg';

/** Something with the tenant's id (or named after it) that is still there. */
export interface Leftover {
  server: string;
  database: string;
  /**
   * `rows`: rows with its id in a table with a `tenant_id` column; `database`, `schema`: storage
   * named after it; `trigger`: a trigger naming it (a fence, a capture); `change-queue`: captured
   * changes of its rows; `ledger`: the migration ledger of its schema.
   */
  kind: 'rows' | 'database' | 'schema' | 'trigger' | 'change-queue' | 'ledger';
  schema?: string;
  table?: string;
  name?: string;
  rows?: number;
}

/** A database that could not be looked into, and why (it was dropped meanwhile, no access, …). */
export interface SkippedDatabase {
  server: string;
  database: string;
  reason: string;
}

/** Rows with the tenant's id kept on purpose. */
export interface KeptRows {
  server: string;
  database: string;
  table: string;
  rows: number;
  why: string;
}

/** The result of looking for a tenant everywhere: recorded with the offboarding and in the audit log. */
export interface ErasureProof {
  tenantId: string;
  checkedAt: string;
  servers: string[];
  databasesChecked: number;
  /** Tables with a `tenant_id` column counted (as the owner, which bypasses row-level security). */
  tablesChecked: number;
  /** Rows with the tenant's id found, in tables, change queues and ledgers. */
  rowsFound: number;
  leftovers: Leftover[];
  skipped: SkippedDatabase[];
  kept: KeptRows[];
  /** Whether every server's owner bypasses row-level security (superuser or BYPASSRLS), so counts saw every row. */
  ownerBypassesRls: boolean;
}

/** The offboarding record itself names the tenant: it is the record of the erasure, kept like the audit log. */
const RECORD_TABLE = { schema: 'public', table: 'offboardings' };
/** Databases scanned at once per server. */
const SCAN_CONCURRENCY = 4;
/** A database whose catalog changed under the scan (a table or schema dropped meanwhile) is scanned again. */
const SCAN_ATTEMPTS = 3;

const TENANT_ID_TABLES = `
  SELECT n.nspname::text AS schema, c.relname::text AS table, t.typname::text AS type,
         has_schema_privilege(n.oid, 'USAGE') AND has_table_privilege(c.oid, 'SELECT') AS readable
    FROM pg_catalog.pg_class c
    JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
    JOIN pg_catalog.pg_attribute a ON a.attrelid = c.oid AND a.attname = 'tenant_id' AND a.attnum > 0 AND NOT a.attisdropped
    JOIN pg_catalog.pg_type t ON t.oid = a.atttypid
   WHERE c.relkind IN ('r', 'p', 'm') AND NOT c.relispartition
     AND n.nspname NOT IN ('pg_catalog', 'information_schema') AND n.nspname NOT LIKE 'pg\\_toast%' AND n.nspname NOT LIKE 'pg\\_temp\\_%'
   ORDER BY 1, 2`;

const TRIGGERS_NAMING = `
  SELECT n.nspname::text AS schema, c.relname::text AS table, t.tgname::text AS name
    FROM pg_catalog.pg_trigger t
    JOIN pg_catalog.pg_class c ON c.oid = t.tgrelid
    JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
   WHERE NOT t.tgisinternal
     AND (position($1 in t.tgname) > 0 OR t.tgname = ANY($2::text[]) OR position($3 in pg_catalog.pg_get_triggerdef(t.oid)) > 0)`;

/** What one database holds of the tenant. */
interface DatabaseScan {
  tablesChecked: number;
  /** Tables the owner may not read: the database was checked without them. */
  skipped: SkippedDatabase[];
  leftovers: Leftover[];
  kept: KeptRows[];
}

/**
 * Looks for a tenant in the whole fleet: every database of every registered server (pg_database, as
 * the owner), every table with a `tenant_id` column in each (the catalog, not a list of known tables),
 * `count(*) WHERE tenant_id = …` as the owner; and any database, schema, trigger, captured change or
 * ledger row named after the tenant. Databases others may clone from (templates) are read under the
 * installation lock, so no CREATE DATABASE … TEMPLATE fails because the proof was connected.
 */
@Injectable()
export class ErasureProver {
  private readonly logger = new Logger(ErasureProver.name);

  constructor(
    private readonly config: SwitchyardConfig,
    private readonly servers: ServerDirectory,
  ) {}

  /** `moveIds`: the tenant's moves, whose capture triggers and queued changes are named by move. */
  async prove(tenantId: string, moveIds: readonly string[]): Promise<ErasureProof> {
    const names = tenantStorageNames(tenantId);
    const proof: ErasureProof = {
      tenantId,
      checkedAt: new Date().toISOString(),
      servers: this.servers.names(),
      databasesChecked: 0,
      tablesChecked: 0,
      rowsFound: 0,
      leftovers: [],
      skipped: [],
      kept: [],
      ownerBypassesRls: true,
    };
    for (const server of proof.servers) {
      const maintenanceUrl = this.servers.maintenanceUrl(server);
      const { databases, bypass } = await withOwnerClient(maintenanceUrl, async (client) => {
        const list = await client.query<{ datname: string; datallowconn: boolean; datistemplate: boolean }>(
          'SELECT datname, datallowconn, datistemplate FROM pg_catalog.pg_database ORDER BY datname',
        );
        const role = await client.query<{ bypass: boolean }>(
          'SELECT rolsuper OR rolbypassrls AS bypass FROM pg_catalog.pg_roles WHERE rolname = current_user',
        );
        return { databases: list.rows, bypass: Boolean(role.rows[0]?.bypass) };
      });
      proof.ownerBypassesRls &&= bypass;
      const open: string[] = [];
      const templates: string[] = [];
      for (const db of databases) {
        if (db.datname === names.database) proof.leftovers.push({ server, database: db.datname, kind: 'database' });
        if (!db.datallowconn) proof.skipped.push({ server, database: db.datname, reason: 'accepts no connections' });
        else if (db.datistemplate || db.datname.endsWith('_template')) templates.push(db.datname);
        else open.push(db.datname);
      }
      const scanAll = async (list: string[]) => {
        await eachLimited(list, SCAN_CONCURRENCY, async (database) => {
          const scan = await this.scanDatabase(server, database, tenantId, moveIds);
          if ('unreadable' in scan) return void proof.skipped.push({ server, database, reason: scan.unreadable });
          proof.databasesChecked++;
          proof.tablesChecked += scan.tablesChecked;
          proof.leftovers.push(...scan.leftovers);
          proof.kept.push(...scan.kept);
          proof.skipped.push(...scan.skipped);
        });
      };
      await scanAll(open);
      if (templates.length) await withInstallationLock(maintenanceUrl, () => scanAll(templates));
    }
    proof.leftovers.sort((a, b) => key(a).localeCompare(key(b)));
    proof.rowsFound = proof.leftovers.reduce((sum, l) => sum + (l.rows ?? 0), 0);
    return proof;
  }

  private async scanDatabase(
    server: string,
    database: string,
    tenantId: string,
    moveIds: readonly string[],
  ): Promise<DatabaseScan | { unreadable: string }> {
    for (let attempt = 1; ; attempt++) {
      try {
        return await withOwnerClient(this.servers.ownerUrl(server, database), (client) =>
          this.readDatabase(client, server, database, tenantId, moveIds),
        );
      } catch (error) {
        const code = pgErrorOf(error)?.code;
        if (code === '3D000') return { unreadable: 'dropped during the check' };
        if (code === '42501' || code === '28000' || code === '28P01') return { unreadable: `no access (${code})` };
        if (code === '55000') return { unreadable: 'not accepting connections' };
        // A table or schema dropped between reading the catalog and counting; a backend terminated by a
        // DROP DATABASE … WITH (FORCE): look again (a dropped database is then skipped above).
        const changed = code === '42P01' || code === '3F000' || code === '57P01' || !code;
        if (!changed || attempt >= SCAN_ATTEMPTS) throw error;
        this.logger.warn(`rescanning ${server}/${database}: ${error instanceof Error ? error.message : error}`);
      }
    }
  }

  /** One snapshot of one database, read-only, with the tenant's context set (FORCE RLS for a non-superuser owner). */
  private async readDatabase(
    client: Client,
    server: string,
    database: string,
    tenantId: string,
    moveIds: readonly string[],
  ): Promise<DatabaseScan> {
    const names = tenantStorageNames(tenantId);
    const hex = tenantId.replace(/-/g, '');
    const isControl = server === PRIMARY_SERVER && database === this.config.names.controlDatabase;
    const scan: DatabaseScan = { tablesChecked: 0, skipped: [], leftovers: [], kept: [] };
    const at = { server, database };
    const qualified = (schema: string, table: string) =>
      `${client.escapeIdentifier(schema)}.${client.escapeIdentifier(table)}`;
    const count = async (sql: string, params: unknown[]) =>
      Number((await client.query<{ n: string }>(sql, params)).rows[0]?.n ?? 0);

    await client.query('BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY');
    try {
      await client.query("SELECT set_config('switchyard.tenant_id', $1, true)", [tenantId]);
      const tables = await client.query<{ schema: string; table: string; type: string; readable: boolean }>(
        TENANT_ID_TABLES,
      );
      for (const { schema, table, type, readable } of tables.rows) {
        if (!readable) {
          scan.skipped.push({ ...at, reason: `no SELECT on ${schema}.${table}` });
          continue;
        }
        const match = type === 'uuid' ? 'tenant_id = $1::uuid' : 'tenant_id::text = $1';
        const rows = await count(`SELECT count(*) AS n FROM ${qualified(schema, table)} WHERE ${match}`, [tenantId]);
        scan.tablesChecked++;
        if (!rows) continue;
        if (isControl && schema === RECORD_TABLE.schema && table === RECORD_TABLE.table) {
          scan.kept.push({
            ...at,
            table: `${schema}.${table}`,
            rows,
            why: 'the offboarding record: proof of the erasure',
          });
        } else scan.leftovers.push({ ...at, kind: 'rows', schema, table, rows });
      }

      const schemas = await client.query('SELECT 1 FROM pg_catalog.pg_namespace WHERE nspname = $1', [names.schema]);
      if (schemas.rowCount) scan.leftovers.push({ ...at, kind: 'schema', name: names.schema });

      const captureNames = moveIds.flatMap((id) =>
        ['i', 'u', 'd'].map((op) => `sy_capture_${op}_${id.replace(/-/g, '')}`),
      );
      const triggers = await client.query<{ schema: string; table: string; name: string }>(TRIGGERS_NAMING, [
        hex,
        captureNames,
        tenantId,
      ]);
      for (const t of triggers.rows)
        scan.leftovers.push({ ...at, kind: 'trigger', schema: t.schema, table: t.table, name: t.name });

      // Move change queues have no tenant_id column: the tenant's rows are in row_data, by move.
      const queues = await client.query<{ schema: string }>(
        `SELECT n.nspname::text AS schema FROM pg_catalog.pg_class c JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
          WHERE c.relname = 'switchyard_move_changes' AND c.relkind = 'r'`,
      );
      for (const { schema } of queues.rows) {
        const rows = await count(
          `SELECT count(*) AS n FROM ${qualified(schema, 'switchyard_move_changes')}
            WHERE row_data->>'tenant_id' = $1 OR move_id = ANY($2::uuid[])`,
          [tenantId, moveIds],
        );
        if (rows) scan.leftovers.push({ ...at, kind: 'change-queue', schema, table: 'switchyard_move_changes', rows });
      }

      const ledger = await client.query<{ present: boolean }>(
        "SELECT to_regclass('switchyard_meta.migrations') IS NOT NULL AS present",
      );
      if (ledger.rows[0]?.present) {
        const rows = await count('SELECT count(*) AS n FROM switchyard_meta.migrations WHERE target_schema = $1', [
          names.schema,
        ]);
        if (rows) scan.leftovers.push({ ...at, kind: 'ledger', schema: 'switchyard_meta', table: 'migrations', rows });
      }
      await client.query('COMMIT');
    } catch (error) {
      await client.query('ROLLBACK').catch(() => undefined);
      throw error;
    }
    return scan;
  }
}

/** The server-wide installation lock, exclusive: no template is being cloned while we are connected to it. */
async function withInstallationLock<T>(maintenanceUrl: string, fn: () => Promise<T>): Promise<T> {
  return withOwnerClient(maintenanceUrl, async (client) => {
    await client.query('SELECT pg_advisory_lock($1, 1)', [AdvisoryLock.installation]);
    try {
      return await fn();
    } finally {
      await client.query('SELECT pg_advisory_unlock($1, 1)', [AdvisoryLock.installation]).catch(() => undefined);
    }
  });
}

/** Runs `fn` over `items`, at most `limit` at a time; the first failure fails the whole. */
async function eachLimited<T>(items: readonly T[], limit: number, fn: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  const lanes = Array.from({ length: Math.min(limit, items.length) }, async () => {
    while (next < items.length) await fn(items[next++]!);
  });
  await Promise.all(lanes);
}

const key = (l: Leftover) => [l.server, l.database, l.kind, l.schema ?? '', l.table ?? '', l.name ?? ''].join('/');
