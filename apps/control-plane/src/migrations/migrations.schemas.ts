import { queryObject } from '@switchyard/http';
import { TIERS } from '@switchyard/control-plane';
import { z } from 'zod';

const tenantRef = z
  .string()
  .min(1)
  .max(64)
  .regex(/^[a-z0-9-]+$/, 'must be a tenant slug or id');

export const startRunBody = z.strictObject({
  tiers: z.array(z.enum(TIERS)).min(1).max(3).optional(),
  tenants: z.array(tenantRef).min(1).max(10_000).optional(),
  server: z
    .string()
    .regex(/^[a-z][a-z0-9_-]{0,62}$/)
    .optional(),
  concurrency: z.number().int().min(1).max(64).optional(),
  canary: z.number().int().min(0).max(10_000).optional(),
  dryRun: z.boolean().optional(),
});

export const statusQuery = queryObject({
  tier: z.enum(TIERS).optional(),
  tenant: tenantRef.optional(),
  status: z.enum(['current', 'behind', 'failed', 'running']).optional(),
});

export const runId = z
  .string()
  .regex(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/, 'must be a UUID');
