import { createReadStream } from 'node:fs';
import { open } from 'node:fs/promises';
import { Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { createGunzip } from 'node:zlib';
import { DomainError, isDomainError } from '@switchyard/errors';
import { extract as tarExtract } from 'tar-stream';
import {
  ARCHIVE_FORMAT,
  ARCHIVE_FORMAT_VERSION,
  archiveManifest,
  MANIFEST_ENTRY,
  MAX_MANIFEST_BYTES,
  tableEntryName,
  type ArchiveManifest,
  type ManifestTable,
} from './archive-format';
import { CopyDigest } from './copy-digest';

/** What reading an archive does with it: refuse or accept its manifest, then take each table's data. */
export interface ArchiveVisitor {
  /** Called before any table; throwing refuses the archive. */
  manifest(manifest: ArchiveManifest): Promise<void> | void;
  /** Where one table's COPY data goes; the data is digested on the way and checked once it has all gone. */
  table(table: ManifestTable): Promise<Writable> | Writable;
  /** Rows of the current table gone through so far. */
  onRows?(table: ManifestTable, rows: number): void;
}

const invalid = (message: string) => new DomainError('ARCHIVE_INVALID', message);

/** A sink for a pass that only verifies. */
export const discard = (): Writable => new Writable({ write: (_chunk, _encoding, done) => done() });

/**
 * Reads an archive from a file in one streaming pass (bounded memory): the manifest must come first,
 * then exactly its tables, in its order, each the size it says and with its digest (SHA-256 and rows) —
 * checked as each table's data ends, so a caller that loads inside a transaction commits only what
 * matched. Anything else — not a tar, not ours, another format version, an entry cut short, edited or
 * missing — is ARCHIVE_INVALID. Gzip-compressed archives are read as well. Errors of the visitor's own
 * sinks (a COPY that failed) are passed through as they are.
 */
export async function readArchive(file: string, visitor: ArchiveVisitor): Promise<ArchiveManifest> {
  const source = createReadStream(file);
  const extract = tarExtract();
  const stages = (await isGzip(file)) ? [source, createGunzip(), extract] : [source, extract];
  // Settles with the feeding error, if any: the loop below learns of it through the extractor too.
  const fed = pipeline(stages).then(
    () => undefined,
    (error: unknown) => error,
  );
  let manifest: ArchiveManifest | undefined;
  let next = 0;
  // Where an error began: a failing stream passes its error on to the others of its pipeline.
  const archiveErrors = new WeakSet<object>();
  const sinkErrors = new WeakSet<object>();
  try {
    for await (const entry of extract) {
      const { name, type, size = 0 } = entry.header;
      if (type !== 'file') throw invalid(`The archive holds a ${type ?? 'special'} entry ${name}; it holds files only`);
      if (!manifest) {
        if (name !== MANIFEST_ENTRY)
          throw invalid(`Not a Switchyard tenant archive: its first entry is ${name}, not ${MANIFEST_ENTRY}`);
        manifest = parseManifest(await readText(entry, size));
        await visitor.manifest(manifest);
        continue;
      }
      const table = manifest.tables[next++];
      if (!table || name !== tableEntryName(table.name))
        throw invalid(
          `Unexpected entry ${name}: the manifest lists ${table ? tableEntryName(table.name) : 'no more tables'}`,
        );
      if (size !== table.bytes)
        throw invalid(`${name} holds ${size} bytes but the manifest says ${table.bytes}: the archive was edited`);
      const digest = new CopyDigest((rows) => visitor.onRows?.(table, rows));
      const sink = await visitor.table(table);
      entry.once('error', (error: Error) => archiveErrors.add(error));
      sink.once('error', (error) => sinkErrors.add(error));
      await pipeline(entry, digest, sink);
      checkDigest(table, digest);
    }
    const feedError = await fed;
    if (feedError) throw feedError;
    if (!manifest) throw invalid('The archive is empty');
    const missing = manifest.tables.slice(next).map((t) => t.name);
    if (missing.length) throw invalid(`The archive is truncated: table ${missing.join(', ')} is missing`);
    return manifest;
  } catch (error) {
    source.destroy();
    extract.destroy();
    await fed;
    const fromSink = error instanceof Object && sinkErrors.has(error) && !archiveErrors.has(error);
    if (isDomainError(error) || fromSink) throw error;
    throw invalid(`The archive is damaged or truncated: ${error instanceof Error ? error.message : String(error)}`);
  }
}

function parseManifest(text: string): ArchiveManifest {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (error) {
    throw invalid(`${MANIFEST_ENTRY} is not JSON: ${error instanceof Error ? error.message : String(error)}`);
  }
  const head = (raw ?? {}) as { format?: unknown; formatVersion?: unknown };
  if (head.format !== ARCHIVE_FORMAT) throw invalid(`Not a Switchyard tenant archive (format ${String(head.format)})`);
  if (head.formatVersion !== ARCHIVE_FORMAT_VERSION)
    throw invalid(
      `Archive format version ${String(head.formatVersion)} is not supported; this Switchyard reads version ${ARCHIVE_FORMAT_VERSION}`,
    );
  const parsed = archiveManifest.safeParse(raw);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw invalid(
      `${MANIFEST_ENTRY} is not valid: ${issue?.path.join('.') || '(root)'} ${issue?.message ?? ''}`.trim(),
    );
  }
  return parsed.data;
}

function checkDigest(table: ManifestTable, digest: CopyDigest): void {
  const got = digest.result();
  if (!got) throw invalid(`The data of table ${table.name} ended early`);
  if (got.sha256 !== table.sha256 || got.rows !== table.rows)
    throw invalid(
      `The data of table ${table.name} does not match the manifest (${got.rows} rows, sha256 ${got.sha256.slice(0, 12)}…; ` +
        `the manifest says ${table.rows} rows, ${table.sha256.slice(0, 12)}…): the archive is damaged or was edited`,
    );
}

async function readText(entry: AsyncIterable<unknown>, size: number): Promise<string> {
  if (size > MAX_MANIFEST_BYTES) throw invalid(`${MANIFEST_ENTRY} is ${size} bytes: too large to be a manifest`);
  const chunks: Buffer[] = [];
  for await (const chunk of entry) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

async function isGzip(file: string): Promise<boolean> {
  const handle = await open(file, 'r');
  try {
    const { bytesRead, buffer } = await handle.read(Buffer.alloc(2), 0, 2, 0);
    return bytesRead === 2 && buffer[0] === 0x1f && buffer[1] === 0x8b;
  } finally {
    await handle.close();
  }
}
