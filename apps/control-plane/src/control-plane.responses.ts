import { MOVE_STATES, TENANT_STATUSES, TIERS } from '@switchyard/control-plane';
import { z } from 'zod';

/**
 * The documented shapes of the control plane's responses, as JSON (timestamps are ISO 8601 strings).
 * Each view function is checked against its schema at compile time (`JsonOf`), and the OpenAPI test
 * validates real responses against them.
 */

/** What `JSON.stringify` makes of a value: dates become strings. */
export type JsonOf<T> = T extends Date
  ? string
  : T extends readonly (infer U)[]
    ? JsonOf<U>[]
    : T extends object
      ? { [K in keyof T]: JsonOf<T[K]> }
      : T;

export const timestamp = z.iso.datetime({ offset: true });
const location = z.strictObject({ server: z.string(), database: z.string(), schema: z.string() });
/** A count per tier. */
export const perTier = z.strictObject({
  shared: z.number().int(),
  schema: z.number().int(),
  database: z.number().int(),
});

export const tenantResponse = z.strictObject({
  id: z.uuid(),
  slug: z.string(),
  name: z.string(),
  status: z.enum(TENANT_STATUSES),
  tier: z.enum(TIERS),
  placement: location,
  version: z.number().int(),
  schemaVersion: z.string().nullable(),
  createdAt: timestamp,
  updatedAt: timestamp,
});

export const tenantPage = z.strictObject({
  items: z.array(tenantResponse),
  nextCursor: z.string().nullable().describe('Pass as `cursor` for the next page; null on the last page'),
  total: z.number().int().describe('Tenants matching the filters, on every page'),
});

const moveEnd = location.extend({ tier: z.enum(TIERS) });

export const moveResponse = z.strictObject({
  id: z.uuid(),
  tenantId: z.uuid(),
  from: moveEnd,
  to: moveEnd,
  state: z.enum(MOVE_STATES),
  phase: z.enum(MOVE_STATES),
  rowsCopied: z.number().int(),
  rowsTotal: z.number().int(),
  freezeMs: z.number().int().nullable().describe('How long writes were held at the cutover'),
  cancelRequested: z.boolean(),
  requestedBy: z.string().nullable(),
  startedAt: timestamp,
  finishedAt: timestamp.nullable(),
  error: z.string().nullable(),
  verification: z
    .strictObject({
      tables: z.array(z.strictObject({ table: z.string(), rows: z.number().int(), checksum: z.string() })),
      rowsRecheckedBeforeFreeze: z.number().int(),
      rowsRecheckedInFreeze: z.number().int(),
    })
    .nullable()
    .describe(
      'What the cutover compared on both sides: rows and checksum per table at a snapshot, then every row written since',
    ),
});

export const moveList = z.strictObject({ items: z.array(moveResponse) });

export const auditEntry = z.strictObject({
  id: z.number().int(),
  at: timestamp,
  actor: z.string(),
  action: z.string(),
  target: z.string().nullable(),
  targetSlug: z.string().nullable(),
  outcome: z.enum(['succeeded', 'failed']),
  details: z.unknown(),
});

export const auditPage = z.strictObject({
  items: z.array(auditEntry),
  nextCursor: z.string().nullable().describe('Pass as `cursor` for older entries; null on the last page'),
});

export const consoleSessionResponse = z.strictObject({
  operator: z.string().describe('Who the session acts as; the audit log records this name'),
  csrfToken: z.string().describe('Send it as X-CSRF-Token on every POST, PATCH and DELETE of this session'),
  expiresAt: timestamp,
});
