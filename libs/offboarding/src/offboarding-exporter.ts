import { createHash } from 'node:crypto';
import { open, rm } from 'node:fs/promises';
import { Transform, type Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { AuditActor } from '@switchyard/control-plane';

/**
 * What offboarding needs of the archive library: the tenant's whole archive written to a stream (bound
 * to OFFBOARDING_EXPORTER by OffboardingModule, from `@switchyard/archive`). Without one, offboarding
 * refuses to export (and erases nothing on such a request).
 */
export interface OffboardingExporter {
  /**
   * Writes the tenant's complete archive to `out` — ending it or not; the caller ends it — and resolves
   * once everything is written (with a summary to record, e.g. rows per table). A rejection leaves a
   * partial archive, which the caller discards.
   */
  exportTenant(tenantId: string, out: Writable, by?: AuditActor): Promise<Record<string, unknown> | void>;
}

export const OFFBOARDING_EXPORTER = Symbol('OFFBOARDING_EXPORTER');

/** Where an archive was written before anything was erased, and what it holds. */
export interface ExportReceipt {
  file: string;
  bytes: number;
  sha256: string;
  writtenAt: string;
  summary?: Record<string, unknown>;
}

/**
 * Exports the tenant into a new file (an existing file is never overwritten), flushed to disk before
 * this resolves; a failed export removes its partial file.
 */
export async function exportToFile(
  exporter: OffboardingExporter,
  tenantId: string,
  file: string,
  by?: AuditActor,
): Promise<ExportReceipt> {
  const handle = await open(file, 'wx'); // refuses an existing file before anything is written
  const hash = createHash('sha256');
  let bytes = 0;
  const counter = new Transform({
    transform(chunk: Buffer, _encoding, done) {
      hash.update(chunk);
      bytes += chunk.length;
      done(null, chunk);
    },
  });
  const out = handle.createWriteStream(); // closes the handle once finished, or destroyed
  const written = pipeline(counter, out);
  // Heard now: the file may fail (ENOSPC) while the export is still running, before it is awaited.
  written.catch(() => undefined);
  let summary: Record<string, unknown> | void;
  try {
    summary = await exporter.exportTenant(tenantId, counter, by);
    if (!counter.writableEnded) counter.end();
    await written;
  } catch (error) {
    counter.destroy();
    await written.catch(() => undefined);
    await rm(file, { force: true });
    throw error;
  }
  const flushed = await open(file, 'r+');
  try {
    await flushed.sync();
  } finally {
    await flushed.close();
  }
  return {
    file,
    bytes,
    sha256: hash.digest('hex'),
    writtenAt: new Date().toISOString(),
    ...(summary ? { summary } : {}),
  };
}
