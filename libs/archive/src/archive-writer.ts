import { createReadStream } from 'node:fs';
import type { Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { pack as tarPack, type Header, type Pack } from 'tar-stream';

type Headers = Partial<Header> & Pick<Header, 'name'>;
import { MANIFEST_ENTRY, tableEntryName, type ArchiveManifest, type ManifestTable } from './archive-format';

/** A snapshot spooled to disk: each table's COPY data in its own file, with the manifest describing them. */
export interface SpooledSnapshot {
  manifest: ArchiveManifest;
  tables: { table: ManifestTable; file: string }[];
}

function addFile(pack: Pack, header: Headers, file: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const sink = pack.entry(header, (error) => (error ? reject(error) : resolve()));
    pipeline(createReadStream(file), sink).catch(reject);
  });
}

/**
 * Writes the archive to `out`: the manifest first, then each table's spooled data. A tar entry needs
 * its size before its data, which is why tables are spooled first; from there the archive streams
 * with bounded memory at the pace `out` takes it. Rejects if `out` fails (a client that went away).
 */
export async function writeArchive(
  snapshot: SpooledSnapshot,
  out: Writable,
  onTable: (table: ManifestTable) => void = () => undefined,
): Promise<void> {
  const pack = tarPack();
  const mtime = new Date(snapshot.manifest.exportedAt);
  const header = (name: string, size: number): Headers => ({ name, size, mtime, mode: 0o644, type: 'file' });
  const adding = (async () => {
    const manifest = Buffer.from(`${JSON.stringify(snapshot.manifest, null, 2)}\n`);
    pack.entry(header(MANIFEST_ENTRY, manifest.length), manifest);
    for (const { table, file } of snapshot.tables) {
      await addFile(pack, header(tableEntryName(table.name), table.bytes), file);
      onTable(table);
    }
    pack.finalize();
  })().catch((error: unknown) => {
    pack.destroy(error instanceof Error ? error : new Error(String(error)));
    throw error;
  });
  // Both settle either way: a failing `out` destroys the pack, which fails the entry being added; a
  // failing entry destroys the pack, which fails the pipeline.
  const [added, written] = await Promise.allSettled([adding, pipeline(pack, out)]);
  if (written.status === 'rejected') throw written.reason;
  if (added.status === 'rejected') throw added.reason;
}
