import { createWriteStream } from 'node:fs';
import { mkdtemp, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Transform, type Readable, type Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { Injectable, Logger } from '@nestjs/common';
import {
  AuditLogRepository,
  SYSTEM_ACTOR,
  TenantsRepository,
  TenantsService,
  type AuditActor,
  type TenantRecord,
  type Tier,
} from '@switchyard/control-plane';
import { SwitchyardConfig } from '@switchyard/config';
import { DomainError } from '@switchyard/errors';
import { MigrationSets } from '@switchyard/migrations';
import { bestEffort } from '@switchyard/postgres';
import { TenantLifecycleService } from '@switchyard/provisioning';
import type { ArchiveManifest } from './archive-format';
import { ArchiveLoader, type LoadResult } from './archive-loader';
import { ignoreProgress, type ProgressListener } from './archive-progress';
import { discard, readArchive } from './archive-reader';
import { writeArchive, type SpooledSnapshot } from './archive-writer';
import { migrationIndex } from './migration-renames';
import { ReplaceFence } from './replace-fence';
import { TenantSnapshots } from './tenant-snapshot';

/** A new tenant to restore an archive into. */
export interface ImportAsNew {
  slug: string;
  tier: Tier;
  /** Display name (default: the archived tenant's). */
  name?: string;
  server?: string;
  cell?: string;
}

/** An existing tenant whose data an archive replaces. */
export interface ImportReplacing {
  replace: string;
}

export type ImportRequest = ImportAsNew | ImportReplacing;

export interface ImportResult extends LoadResult {
  tenant: TenantRecord;
  replaced: boolean;
}

export interface ArchiveOptions {
  by?: AuditActor;
  onProgress?: ProgressListener;
}

export interface StreamedArchiveOptions extends ArchiveOptions {
  /** The size the sender announced (Content-Length), when it did: too large is refused before reading. */
  declaredBytes?: number;
}

/** A placement fenced by a cutover is flipped within milliseconds; a replace's lasts as long as its load. */
const SNAPSHOT_ATTEMPTS = 5;

/**
 * Exports a tenant to an archive and restores archives, in any tier (README.md of this library). Both
 * are audited: `tenant.export` once the archive is written, `tenant.import` once the rows are committed;
 * a refusal is recorded by the caller (the API's interceptor, the CLI's `audited`).
 */
@Injectable()
export class ArchiveService {
  private readonly logger = new Logger(ArchiveService.name);

  constructor(
    private readonly tenants: TenantsService,
    private readonly tenantRecords: TenantsRepository,
    private readonly lifecycle: TenantLifecycleService,
    private readonly snapshots: TenantSnapshots,
    private readonly loader: ArchiveLoader,
    private readonly fence: ReplaceFence,
    private readonly audit: AuditLogRepository,
    private readonly sets: MigrationSets,
    private readonly config: SwitchyardConfig,
  ) {}

  /**
   * Writes the tenant's archive to `out`: one consistent snapshot, spooled to a temporary folder, then
   * streamed. `beforeWrite` runs between the two (the API sets its headers there: an error before it
   * is still an ordinary error response).
   */
  async export(
    ref: string,
    out: Writable,
    options: ArchiveOptions & { beforeWrite?: (manifest: ArchiveManifest) => void } = {},
  ): Promise<ArchiveManifest> {
    const onProgress = options.onProgress ?? ignoreProgress;
    const dir = await mkdtemp(join(tmpdir(), 'switchyard-export-'));
    try {
      const { tenant, snapshot } = await this.snapshot(ref, dir, options.onProgress);
      const { manifest } = snapshot;
      options.beforeWrite?.(manifest);
      const totalRows = manifest.tables.reduce((n, t) => n + t.rows, 0);
      let rows = 0;
      await writeArchive(snapshot, out, (table) => {
        rows += table.rows;
        onProgress({ phase: 'writing', table: table.name, rows, totalRows });
      });
      await this.audit.append({
        actor: (options.by ?? SYSTEM_ACTOR).actor,
        action: 'tenant.export',
        target: tenant.id,
        targetSlug: tenant.slug,
        outcome: 'succeeded',
        details: {
          tier: tenant.tier,
          schemaVersion: manifest.schemaVersion,
          tables: manifest.tables.length,
          rows: totalRows,
          bytes: manifest.tables.reduce((n, t) => n + t.bytes, 0),
        },
      });
      return manifest;
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  }

  /** Restores the archive in `file` into a new tenant, or over an existing one (`replace`). */
  async import(file: string, request: ImportRequest, options: ArchiveOptions = {}): Promise<ImportResult> {
    const by = options.by ?? SYSTEM_ACTOR;
    const onProgress = options.onProgress ?? ignoreProgress;
    if (!(await stat(file).catch(() => undefined))?.isFile())
      throw new DomainError('VALIDATION_FAILED', `No archive file at ${file}`);
    // A damaged archive is refused here, before any tenant is created or frozen.
    const manifest = await this.verify(file, onProgress);
    const result =
      'replace' in request
        ? await this.replace(file, request.replace, onProgress)
        : await this.restoreAsNew(file, manifest, request, by, onProgress);
    await this.audit.append({
      actor: by.actor,
      action: 'tenant.import',
      target: result.tenant.id,
      targetSlug: result.tenant.slug,
      outcome: 'succeeded',
      details: {
        tier: result.tenant.tier,
        replaced: result.replaced,
        rows: result.rows,
        deleted: result.deleted,
        archive: { ...manifest.tenant, schemaVersion: manifest.schemaVersion, exportedAt: manifest.exportedAt },
      },
    });
    return result;
  }

  /**
   * `import` of an archive arriving as a stream (an HTTP body): spooled to a temporary file first, at
   * most ARCHIVE_MAX_BYTES of it, so a sender cannot fill the disk.
   */
  async importStream(
    body: Readable,
    request: ImportRequest,
    options: StreamedArchiveOptions = {},
  ): Promise<ImportResult> {
    const limit = this.config.archiveMaxBytes;
    if ((options.declaredBytes ?? 0) > limit) throw tooLarge(limit);
    const dir = await mkdtemp(join(tmpdir(), 'switchyard-import-'));
    try {
      const file = join(dir, 'archive.tar');
      await pipeline(body, atMost(limit), createWriteStream(file)).catch((error: unknown) => {
        if (error instanceof DomainError) throw error;
        const reason = error instanceof Error ? error.message : String(error);
        throw new DomainError('ARCHIVE_INVALID', `The archive did not arrive whole: ${reason}`);
      });
      return await this.import(file, request, options);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  }

  /** Reads the whole archive once, checking its format, its schema version and every table's digest. */
  private async verify(file: string, onProgress: ProgressListener): Promise<ArchiveManifest> {
    let totalRows = 0;
    let before = 0;
    let next = 0;
    return readArchive(file, {
      manifest: (m) => {
        if (migrationIndex(this.sets.get('tenant'), m.schemaVersion) === undefined)
          throw new DomainError(
            'ARCHIVE_INVALID',
            `The archive was taken at tenant migration ${m.schemaVersion}, which this installation does not have`,
          );
        totalRows = m.tables.reduce((n, t) => n + t.rows, 0);
        onProgress({ phase: 'verifying', rows: 0, totalRows });
      },
      table: (t) => {
        before = next;
        next += t.rows;
        return discard();
      },
      onRows: (t, rows) => onProgress({ phase: 'verifying', table: t.name, rows: before + rows, totalRows }),
    });
  }

  private async restoreAsNew(
    file: string,
    manifest: ArchiveManifest,
    request: ImportAsNew,
    by: AuditActor,
    onProgress: ProgressListener,
  ): Promise<ImportResult> {
    const { tenant } = await this.lifecycle.create(
      {
        slug: request.slug,
        name: request.name ?? manifest.tenant.name,
        tier: request.tier,
        server: request.server,
        cell: request.cell,
      },
      by,
    );
    try {
      const loaded = await this.loader.load(file, tenant.id, tenant.placement, { replace: false, onProgress });
      return { ...loaded, tenant, replaced: false };
    } catch (error) {
      // The tenant existed for this import only: nothing of it stays.
      await bestEffort(this.logger, `removing ${tenant.slug} after its failed import`, () =>
        this.lifecycle.delete(tenant.id, by),
      );
      throw error;
    }
  }

  private async replace(file: string, ref: string, onProgress: ProgressListener): Promise<ImportResult> {
    const tenant = await this.tenants.get(ref);
    if (tenant.status !== 'active' && tenant.status !== 'suspended')
      throw new DomainError('TENANT_NOT_ACTIVE', `Tenant ${tenant.slug} is ${tenant.status}`);
    const loaded = await this.fence.hold(tenant, (frozen, release) =>
      this.loader.load(file, frozen.id, frozen.placement, { replace: true, beforeCommit: release, onProgress }),
    );
    return { ...loaded, tenant: (await this.tenantRecords.findById(tenant.id)) ?? tenant, replaced: true };
  }

  /** The snapshot where the tenant lives; a placement found fenced (moved meanwhile) is read again. */
  private async snapshot(
    ref: string,
    dir: string,
    onProgress: ProgressListener | undefined,
  ): Promise<{ tenant: TenantRecord; snapshot: SpooledSnapshot }> {
    for (let attempt = 1; attempt <= SNAPSHOT_ATTEMPTS; attempt++) {
      const tenant = await this.tenants.get(ref);
      if (tenant.status !== 'active' && tenant.status !== 'suspended')
        throw new DomainError('TENANT_NOT_ACTIVE', `Tenant ${tenant.slug} is ${tenant.status}`);
      const snapshot = await this.snapshots.take(tenant, dir, onProgress);
      if (snapshot !== 'fenced') return { tenant, snapshot };
      await new Promise((resolve) => setTimeout(resolve, 100 * attempt));
    }
    throw new DomainError('TENANT_FROZEN', 'The tenant is being moved or restored; retry shortly', {
      retryAfterSeconds: 5,
    });
  }
}

function tooLarge(limit: number): DomainError {
  return new DomainError('ARCHIVE_TOO_LARGE', `The archive is larger than ARCHIVE_MAX_BYTES (${limit} bytes)`, {
    maxBytes: limit,
  });
}

/** Passes bytes through until more than `limit` have passed, then fails the pipeline. */
function atMost(limit: number): Transform {
  let seen = 0;
  return new Transform({
    transform(chunk: Buffer, _encoding, done) {
      seen += chunk.length;
      done(seen > limit ? tooLarge(limit) : null, chunk);
    },
  });
}
