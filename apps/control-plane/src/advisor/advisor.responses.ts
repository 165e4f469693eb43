import { TIERS } from '@switchyard/control-plane';
import { z } from 'zod';

const limits = z.strictObject({
  rows: z.number().int(),
  requestsPerHour: z.number().int(),
  dbMsPerHour: z.number().int(),
});

export const candidateReport = z.strictObject({
  windowHours: z.number().int().describe('Traffic is averaged per hour over this window'),
  limits: z
    .strictObject({ shared: limits, schema: limits })
    .describe('ADVISOR_SHARED_LIMITS and ADVISOR_SCHEMA_LIMITS'),
  items: z.array(
    z.strictObject({
      tenantId: z.uuid(),
      slug: z.string(),
      tier: z.enum(TIERS),
      server: z.string(),
      rows: z.number().int(),
      bytes: z.number().int(),
      sizeApproximate: z.boolean().describe('Sizes from planner statistics (large shared tables), not a count'),
      requestsPerHour: z.number(),
      dbMsPerHour: z.number(),
      score: z.number().describe('The largest measure/limit ratio: above 1 is over a limit; ranked by it'),
      reasons: z.array(z.string()),
      suggestion: z.strictObject({ tier: z.enum(TIERS), server: z.string().nullable() }),
    }),
  ),
});

export const moveEstimate = z.strictObject({
  tenantId: z.uuid(),
  from: z.strictObject({ tier: z.enum(TIERS), server: z.string() }),
  to: z.strictObject({ tier: z.enum(TIERS), server: z.string() }),
  rows: z.number().int(),
  bytes: z.number().int(),
  expectedSeconds: z.number().nullable().describe('Null until this installation has finished a move'),
  basis: z.strictObject({
    moves: z.number().int().describe('Past moves the estimate learnt from'),
    rowsPerSecond: z.number().nullable(),
    fixedSeconds: z.number().nullable(),
  }),
});
