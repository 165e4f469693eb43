import { OFFBOARDING_STATES, TIERS } from '@switchyard/control-plane';
import { z } from 'zod';

const timestamp = z.iso.datetime({ offset: true });
const place = { server: z.string(), database: z.string() };

const leftover = z.strictObject({
  ...place,
  kind: z.enum(['rows', 'database', 'schema', 'trigger', 'change-queue', 'ledger']),
  schema: z.string().optional(),
  table: z.string().optional(),
  name: z.string().optional(),
  rows: z.number().int().optional(),
});

export const erasureProof = z
  .strictObject({
    tenantId: z.uuid(),
    checkedAt: timestamp,
    servers: z.array(z.string()),
    databasesChecked: z.number().int(),
    tablesChecked: z.number().int().describe('Tables with a tenant_id column, counted as the owner'),
    rowsFound: z.number().int(),
    leftovers: z.array(leftover),
    skipped: z.array(z.strictObject({ ...place, reason: z.string() })),
    kept: z
      .array(z.strictObject({ ...place, table: z.string(), rows: z.number().int(), why: z.string() }))
      .describe('Rows with the tenant id kept on purpose: the offboarding record itself'),
    ownerBypassesRls: z.boolean(),
  })
  .describe('Every database of every registered server searched for the tenant, after erasing it');

const location = z.strictObject({ tier: z.enum(TIERS), ...place, schema: z.string() });

export const offboardingResponse = z.strictObject({
  id: z.uuid(),
  tenantId: z.uuid(),
  tenantSlug: z.string(),
  state: z.enum(OFFBOARDING_STATES),
  grace: z.string().describe('As requested: 0, 90s, 30m, 1h, 7d, 2w'),
  eraseAfter: timestamp,
  export: z.strictObject({
    requested: z.boolean(),
    file: z.string().nullable(),
    bytes: z.number().int().nullable(),
    sha256: z.string().nullable(),
  }),
  requestedBy: z.string(),
  requestedAt: timestamp,
  startedAt: timestamp.nullable().describe('When erasing began; from then on it cannot be cancelled'),
  finishedAt: timestamp.nullable(),
  cancelledBy: z.string().nullable(),
  attempts: z.number().int(),
  error: z.string().nullable(),
  result: z
    .strictObject({
      erased: z.strictObject({
        live: location.nullable(),
        retainedRemoved: z.number().int(),
        locationsCleared: z.number().int(),
        unreachable: z.array(z.strictObject({ ...place, reason: z.string() })),
        controlPlane: z.strictObject({
          usageRows: z.number().int(),
          ledgerRows: z.number().int(),
          moves: z.number().int(),
        }),
      }),
      proof: erasureProof,
    })
    .nullable(),
});

export const offboardingList = z.strictObject({ items: z.array(offboardingResponse) });
