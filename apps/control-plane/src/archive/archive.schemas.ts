import { ARCHIVE_FORMAT, ARCHIVE_MEDIA_TYPE } from '@switchyard/archive';
import { SLUG_PATTERN, TIERS } from '@switchyard/control-plane';
import { DomainError } from '@switchyard/errors';
import type { StreamedBodyRoute } from '@switchyard/http';
import { queryObject } from '@switchyard/http';
import type { ImportRequest } from '@switchyard/archive';
import { z } from 'zod';
import { tenantResponse } from '../control-plane.responses';
import { cellName, serverName, tenantRef } from '../control-plane.schemas';

/** The import route takes the archive itself as its body, streamed: the JSON parser leaves it alone. */
export const ARCHIVE_IMPORT_BODY: StreamedBodyRoute = {
  method: 'POST',
  path: '/v1/tenants/import',
  mediaType: ARCHIVE_MEDIA_TYPE,
};

const slug = z.string().regex(SLUG_PATTERN, 'must match ^[a-z][a-z0-9-]{2,62}$');

export const importQuery = queryObject({
  slug: slug.optional().describe('The new tenant (with tier)'),
  tier: z.enum(TIERS).optional(),
  server: serverName.optional(),
  cell: cellName.optional(),
  name: z.string().trim().min(1).max(200).optional().describe('Display name (default: the archived tenant’s)'),
  replace: tenantRef.optional().describe('An existing tenant (id or slug) whose data the archive replaces'),
});

/** Either a new tenant (slug and tier, optionally server, cell, name) or `replace` alone. */
export function importRequest(query: z.infer<typeof importQuery>): ImportRequest {
  const { replace, slug, tier, server, cell, name } = query;
  if (replace !== undefined) {
    if (slug ?? tier ?? server ?? cell ?? name)
      throw new DomainError('VALIDATION_FAILED', 'replace restores over an existing tenant: give it alone');
    return { replace };
  }
  if (!slug || !tier) throw new DomainError('VALIDATION_FAILED', 'give slug and tier (a new tenant), or replace');
  return { slug, tier, server, cell, name };
}

export const importResponse = z.strictObject({
  tenant: tenantResponse,
  replaced: z.boolean().describe('true: an existing tenant’s data was replaced (200); false: a new tenant (201)'),
  rows: z.number().int(),
  deleted: z.number().int().describe('Rows a replace removed first'),
  tables: z.array(z.strictObject({ name: z.string(), rows: z.number().int() })),
  archive: z.strictObject({
    format: z.literal(ARCHIVE_FORMAT),
    formatVersion: z.number().int(),
    schemaVersion: z.string(),
    exportedAt: z.iso.datetime({ offset: true }),
    tenant: z.strictObject({ id: z.uuid(), slug: z.string(), name: z.string(), tier: z.enum(TIERS) }),
  }),
});
