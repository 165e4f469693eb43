import { createHash } from 'node:crypto';
import { pipeline } from 'node:stream/promises';
import { Readable } from 'node:stream';
import type { ArchiveManifest } from '@switchyard/archive';
import { extract, pack } from 'tar-stream';

/** One entry of an archive, in memory (test archives are small). */
export interface ArchiveEntry {
  name: string;
  data: Buffer;
}

/** The entries of a tar, in order. */
export async function entriesOf(archive: Buffer): Promise<ArchiveEntry[]> {
  const reader = extract();
  const fed = pipeline(Readable.from([archive]), reader);
  const entries: ArchiveEntry[] = [];
  for await (const entry of reader) {
    const chunks: Buffer[] = [];
    for await (const chunk of entry) chunks.push(chunk as Buffer);
    entries.push({ name: entry.header.name, data: Buffer.concat(chunks) });
  }
  await fed;
  return entries;
}

/** A tar of these entries, in this order. */
export async function tarOf(entries: ArchiveEntry[]): Promise<Buffer> {
  const packer = pack();
  const chunks: Buffer[] = [];
  const collected = (async () => {
    for await (const chunk of packer) chunks.push(chunk as Buffer);
  })();
  for (const { name, data } of entries) packer.entry({ name, size: data.length }, data);
  packer.finalize();
  await collected;
  return Buffer.concat(chunks);
}

export const manifestOf = async (archive: Buffer): Promise<ArchiveManifest> =>
  JSON.parse((await entriesOf(archive))[0]!.data.toString('utf8')) as ArchiveManifest;

/**
 * The archive with one table's COPY data changed by `edit`, and the manifest's rows, bytes and digest
 * of that table made to match: an archive every digest vouches for, whose rows PostgreSQL will refuse.
 */
export async function withConsistentEdit(
  archive: Buffer,
  table: string,
  edit: (copyText: string) => string,
): Promise<Buffer> {
  const entries = await entriesOf(archive);
  const manifest = JSON.parse(entries[0]!.data.toString('utf8')) as ArchiveManifest;
  const entry = entries.find((e) => e.name === `tables/${table}.copy`)!;
  entry.data = Buffer.from(edit(entry.data.toString('utf8')));
  const described = manifest.tables.find((t) => t.name === table)!;
  described.bytes = entry.data.length;
  described.rows = entry.data.toString('utf8').split('\n').length - 1;
  described.sha256 = createHash('sha256').update(entry.data).digest('hex');
  entries[0]!.data = Buffer.from(JSON.stringify(manifest));
  return tarOf(entries);
}

/** supertest: keep a binary body (an archive) as a Buffer. */
export const binaryBody = (
  res: { on(event: string, listener: (chunk: Buffer) => void): unknown },
  done: (error: Error | null, body: Buffer) => void,
): void => {
  const chunks: Buffer[] = [];
  res.on('data', (chunk: Buffer) => chunks.push(chunk));
  res.on('end', () => done(null, Buffer.concat(chunks)));
};
