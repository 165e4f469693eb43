import { TIERS, USAGE_METRICS } from '@switchyard/control-plane';
import { z } from 'zod';
import { timestamp } from '../control-plane.responses';

export const USAGE_WINDOWS = ['1h', '6h', '24h', '7d', '30d'] as const;

const counts = {
  requests: z.number().int(),
  errors: z.number().int().describe('Answers with a 5xx status'),
  dbMs: z.number().describe('Database time, in milliseconds'),
  rows: z.number().int().describe('Rows read and written'),
};

export const tenantUsage = z.strictObject({
  tenantId: z.uuid(),
  slug: z.string(),
  tier: z.enum(TIERS),
  window: z.enum(USAGE_WINDOWS),
  since: timestamp,
  total: z.strictObject(counts),
  hours: z.array(z.strictObject({ hour: timestamp, ...counts })),
  storage: z
    .strictObject({
      rows: z.number().int(),
      bytes: z.number().int().describe('Bytes of its rows as stored, without indexes'),
      tables: z.array(z.strictObject({ table: z.string(), rows: z.number().int(), bytes: z.number().int() })),
    })
    .describe('What the tenant stores where it lives now, measured when asked'),
});

export const usageTop = z.strictObject({
  by: z.enum(USAGE_METRICS),
  window: z.enum(USAGE_WINDOWS),
  since: timestamp,
  items: z.array(z.strictObject({ tenantId: z.uuid(), slug: z.string(), ...counts })),
});
