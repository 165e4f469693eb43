import { createWriteStream } from 'node:fs';
import { join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { Injectable } from '@nestjs/common';
import { ServerDirectory, type TenantRecord } from '@switchyard/control-plane';
import { MigrationSets, newestApplied, readLocalLedger } from '@switchyard/migrations';
import { destroyConnection, inTransaction, tenantTables, withOwnerClient } from '@switchyard/postgres';
import type { ClientBase } from 'pg';
import { to as copyTo } from 'pg-copy-streams';
import { ARCHIVE_FORMAT, ARCHIVE_FORMAT_VERSION, type ManifestTable } from './archive-format';
import { ignoreProgress, type ProgressListener } from './archive-progress';
import type { SpooledSnapshot } from './archive-writer';
import { CopyDigest } from './copy-digest';
import {
  applyCopySettings,
  copyOutSql,
  countTenantRows,
  enterTenantContext,
  exportedColumns,
  exportedOrder,
  tableShapes,
  type TableShape,
} from './tenant-rows.sql';

/**
 * Takes one consistent snapshot of a tenant where it lives, in any tier: one REPEATABLE READ, READ
 * ONLY transaction under the tenant's own context, on an owner connection to its placement, reads the
 * schema version, the tenant tables (from the catalog, parents first), their row counts when progress
 * is followed, and then each table's rows with COPY — spooled to files in `dir`, digested on the way. Writers carry on meanwhile;
 * the snapshot sees none of what they commit after it began. The transaction ends before the archive
 * is sent anywhere, so a slow reader of the archive holds no snapshot open.
 */
@Injectable()
export class TenantSnapshots {
  constructor(
    private readonly servers: ServerDirectory,
    private readonly sets: MigrationSets,
  ) {}

  /** The snapshot, or `fenced` when the tenant has left this location (the placement read was stale). */
  async take(tenant: TenantRecord, dir: string, onProgress?: ProgressListener): Promise<SpooledSnapshot | 'fenced'> {
    const { server, database, schema } = tenant.placement;
    const url = this.servers.ownerUrl(server, database);
    return withOwnerClient(
      url,
      (client) =>
        inTransaction(
          client,
          async () => {
            await applyCopySettings(client);
            if (await enterTenantContext(client, tenant.id, schema)) return 'fenced' as const;
            const schemaVersion = newestApplied(
              this.sets.get('tenant'),
              await readLocalLedger(client, schema, 'tenant'),
            );
            if (!schemaVersion) throw new Error(`${tenant.slug}: no tenant migration is applied at its location`);
            const shapes = await tableShapes(client, schema, await tenantTables(client, schema));
            const tables = await this.spool(client, tenant, shapes, dir, onProgress);
            const manifest = {
              format: ARCHIVE_FORMAT,
              formatVersion: ARCHIVE_FORMAT_VERSION,
              schemaVersion,
              tenant: { id: tenant.id, slug: tenant.slug, name: tenant.name, tier: tenant.tier },
              exportedAt: new Date().toISOString(),
              tables: tables.map((t) => t.table),
            } as const;
            return { manifest, tables };
          },
          { isolation: 'repeatable read', readOnly: true },
        ),
      { application_name: 'switchyard-archive' },
    );
  }

  private async spool(
    client: ClientBase,
    tenant: TenantRecord,
    shapes: TableShape[],
    dir: string,
    onProgress: ProgressListener | undefined,
  ): Promise<SpooledSnapshot['tables']> {
    const { schema } = tenant.placement;
    // Counted in the same snapshot, only for a progress bar's total (a scan of its own: 5–10 % of an export).
    const counts: (number | undefined)[] = [];
    for (const shape of shapes)
      counts.push(onProgress ? await countTenantRows(client, schema, shape.name, tenant.id) : undefined);
    const totalRows = counts.reduce<number>((a, b) => a + (b ?? 0), 0);
    const report = onProgress ?? ignoreProgress;
    const spooled: SpooledSnapshot['tables'] = [];
    let done = 0;
    for (const [i, shape] of shapes.entries()) {
      const file = join(dir, `${i}.copy`);
      report({ phase: 'snapshot', table: shape.name, rows: done, totalRows });
      const digest = new CopyDigest((rows) =>
        report({ phase: 'snapshot', table: shape.name, rows: done + rows, totalRows }),
      );
      const copy = client.query(copyTo(copyOutSql(schema, shape, tenant.id)));
      await pipeline(copy, digest, createWriteStream(file)).catch((error: unknown) => {
        // A COPY TO stopped half-way (the spool file or the progress failed) cannot be rolled back.
        destroyConnection(client);
        throw error;
      });
      const result = digest.result()!;
      if (counts[i] !== undefined && result.rows !== counts[i])
        throw new Error(`${shape.name}: COPY read ${result.rows} rows where the same snapshot counted ${counts[i]}`);
      done += result.rows;
      const table: ManifestTable = {
        name: shape.name,
        columns: exportedColumns(shape),
        primaryKey: exportedOrder(shape),
        ...result,
      };
      spooled.push({ table, file });
    }
    return spooled;
  }
}
