import { TIERS } from '@switchyard/control-plane';
import { z } from 'zod';

/**
 * The tenant archive, format 1 (docs/archive-format.md): an uncompressed POSIX tar holding
 * `manifest.json` first, then one `tables/<name>.copy` entry per table in the manifest's order (parents
 * before the tables whose foreign keys point at them). Each table entry is PostgreSQL's COPY text output
 * of the tenant's rows — columns as the manifest lists them, `tenant_id` left out, ordered by primary
 * key, written with the session settings below — so the same rows give the same bytes, and the same
 * digest, in every tier and on every server.
 */
export const ARCHIVE_FORMAT = 'switchyard-tenant-archive';
export const ARCHIVE_FORMAT_VERSION = 1;
export const MANIFEST_ENTRY = 'manifest.json';
/** What the control plane sends and takes. */
export const ARCHIVE_MEDIA_TYPE = 'application/x-tar';
/** A manifest is a few hundred bytes per table; anything near this is not one. */
export const MAX_MANIFEST_BYTES = 4 * 1024 * 1024;

export const tableEntryName = (table: string): string => `tables/${table}.copy`;

/**
 * Settings every COPY of an archive runs under, on export and on import: they fix how dates, times,
 * intervals, floats and bytes are written, which would otherwise follow each server's defaults.
 */
export const COPY_TEXT_SETTINGS = {
  DateStyle: 'ISO, YMD',
  IntervalStyle: 'postgres',
  TimeZone: 'UTC',
  extra_float_digits: '1',
  bytea_output: 'hex',
} as const;

/** An identifier Switchyard accepts unquoted (the same rule as quoteIdent): archives name nothing else. */
const identifier = z.string().regex(/^[a-z_][a-z0-9_]{0,62}$/, 'must be a lower-case SQL identifier');
const unique = (names: string[]) => new Set(names).size === names.length;

export const manifestTable = z.strictObject({
  name: identifier,
  /** Exported columns in table order (`tenant_id` left out); the COPY data holds exactly these, in this order. */
  columns: z.array(identifier).min(1).refine(unique, 'columns must be unique'),
  /** The primary key without `tenant_id`: the order of the rows. Empty when the table had none. */
  primaryKey: z.array(identifier),
  rows: z.number().int().nonnegative(),
  /** Size of the table's entry. */
  bytes: z.number().int().nonnegative(),
  /** SHA-256 of the table's entry, in hex. */
  sha256: z.string().regex(/^[0-9a-f]{64}$/, 'must be a hex SHA-256'),
});

export const archiveManifest = z.strictObject({
  format: z.literal(ARCHIVE_FORMAT),
  formatVersion: z.literal(ARCHIVE_FORMAT_VERSION),
  /** The newest tenant migration applied where the rows were read (the target-local ledger). */
  schemaVersion: z.string().regex(/^[A-Za-z0-9_-]{1,200}$/, 'must name a migration'),
  tenant: z.strictObject({
    id: z.uuid(),
    slug: z.string().min(1).max(63),
    name: z.string().min(1).max(200),
    tier: z.enum(TIERS),
  }),
  exportedAt: z.iso.datetime({ offset: true }),
  tables: z.array(manifestTable).refine((tables) => unique(tables.map((t) => t.name)), 'tables must be unique'),
});

export type ManifestTable = z.infer<typeof manifestTable>;
export type ArchiveManifest = z.infer<typeof archiveManifest>;
