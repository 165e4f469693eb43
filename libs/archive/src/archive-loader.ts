import { Injectable, Logger } from '@nestjs/common';
import { ServerDirectory, type PlacementLocation } from '@switchyard/control-plane';
import { DomainError } from '@switchyard/errors';
import { MigrationSets, newestApplied, readLocalLedger } from '@switchyard/migrations';
import { bestEffort, inTransaction, pgErrorOf, tenantTables, withOwnerClient } from '@switchyard/postgres';
import type { ClientBase } from 'pg';
import { from as copyFrom } from 'pg-copy-streams';
import type { ArchiveManifest } from './archive-format';
import type { ProgressListener } from './archive-progress';
import { readArchive } from './archive-reader';
import { planLoad, type TablePlan } from './load-plan';
import { renamesSince } from './migration-renames';
import { analyzeTable, applyCopySettings, copyInSql, deleteTenantRows, tableShapes } from './tenant-rows.sql';

export interface LoadOptions {
  /** Delete the tenant's rows there first, in the same transaction (a replace). */
  replace: boolean;
  /** Last step inside the transaction, before COMMIT: may refuse (throw), which rolls everything back. */
  beforeCommit?: (client: ClientBase) => Promise<void>;
  onProgress: ProgressListener;
}

export interface LoadResult {
  manifest: ArchiveManifest;
  tables: { name: string; rows: number }[];
  rows: number;
  /** Rows a replace removed first. */
  deleted: number;
}

/**
 * Loads an archive into a tenant's location in ONE transaction: matched to the current schema by name
 * (planLoad), each table streamed from the file into COPY FROM with its column list — tenant_id left
 * to its default, the transaction's tenant context, so rows take the tenant's id and keep their own —
 * and its digest checked as its data ends. Nothing commits unless every table matched its manifest
 * entry; a row PostgreSQL refuses (a constraint, a malformed value) refuses the archive.
 */
@Injectable()
export class ArchiveLoader {
  private readonly logger = new Logger(ArchiveLoader.name);

  constructor(
    private readonly servers: ServerDirectory,
    private readonly sets: MigrationSets,
  ) {}

  async load(file: string, tenantId: string, at: PlacementLocation, options: LoadOptions): Promise<LoadResult> {
    const { schema } = at;
    return withOwnerClient(
      this.servers.ownerUrl(at.server, at.database),
      async (client) => {
        const result = await inTransaction(client, async () => {
          await applyCopySettings(client);
          await client.query("SELECT set_config('switchyard.tenant_id', $1, true)", [tenantId]);
          const loaded = await this.loadTables(client, file, tenantId, schema, options);
          await options.beforeCommit?.(client);
          return loaded;
        });
        for (const table of new Set(result.tables.map((t) => t.name)))
          await bestEffort(this.logger, `ANALYZE ${table}`, () => analyzeTable(client, schema, table));
        return result;
      },
      { application_name: 'switchyard-archive' },
    );
  }

  private async loadTables(
    client: ClientBase,
    file: string,
    tenantId: string,
    schema: string,
    options: LoadOptions,
  ): Promise<LoadResult> {
    const set = this.sets.get('tenant');
    const version = newestApplied(set, await readLocalLedger(client, schema, 'tenant'));
    const present = await tenantTables(client, schema);
    const shapes = new Map((await tableShapes(client, schema, present)).map((s) => [s.name, s]));
    const plans = new Map<string, TablePlan>();
    let totalRows = 0;
    // Rows of the tables before the one loading now (the manifest's counts, checked as each table ends).
    let before = 0;
    let next = 0;
    let deleted = 0;
    let loading: TablePlan | undefined;
    try {
      const manifest = await readArchive(file, {
        manifest: async (m) => {
          for (const plan of planLoad(m, shapes, renamesSince(set, m.schemaVersion, version), version))
            plans.set(plan.archived.name, plan);
          totalRows = m.tables.reduce((n, t) => n + t.rows, 0);
          // Children first, so no foreign key is left pointing at a removed row.
          if (options.replace)
            for (const table of [...present].reverse())
              deleted += await deleteTenantRows(client, schema, table, tenantId);
        },
        table: (archived) => {
          loading = plans.get(archived.name)!;
          before = next;
          next += archived.rows;
          options.onProgress({ phase: 'loading', table: loading.table, rows: before, totalRows });
          return client.query(copyFrom(copyInSql(schema, loading.table, loading.columns)));
        },
        onRows: (archived, rows) =>
          options.onProgress({ phase: 'loading', table: archived.name, rows: before + rows, totalRows }),
      });
      return {
        manifest,
        tables: [...plans.values()].map((p) => ({ name: p.table, rows: p.archived.rows })),
        rows: totalRows,
        deleted,
      };
    } catch (error) {
      throw refusedRows(error, loading) ?? error;
    }
  }
}

/** A row PostgreSQL refuses as data (class 22) or by a constraint (class 23) means the archive cannot be restored. */
function refusedRows(error: unknown, loading: TablePlan | undefined): DomainError | undefined {
  const pg = pgErrorOf(error);
  if (!pg || !/^2[23]/.test(pg.code)) return undefined;
  const where = loading ? ` of table ${loading.archived.name}` : '';
  return new DomainError('ARCHIVE_INVALID', `The rows${where} cannot be restored: ${pg.message}`);
}
