import { intParam, queryObject } from '@switchyard/http';
import { SLUG_PATTERN, TENANT_SORT_KEYS, TENANT_STATUSES, TIERS } from '@switchyard/control-plane';
import { z } from 'zod';

const slug = z.string().regex(SLUG_PATTERN, 'must match ^[a-z][a-z0-9-]{2,62}$');
const name = z
  .string()
  .refine((s) => !s.includes('\0') && !/\p{Cs}/u.test(s), 'must be valid text without NUL characters')
  .pipe(z.string().trim().min(1).max(200));
export const serverName = z.string().regex(/^[a-z][a-z0-9_-]{0,62}$/, 'must be a registered server name');
export const cellName = z.string().regex(/^[a-z][a-z0-9-]{0,15}$/, 'must match ^[a-z][a-z0-9-]{0,15}$');

export const createTenantBody = z.strictObject({
  slug,
  name,
  tier: z.enum(TIERS),
  server: serverName.optional(),
  cell: cellName.optional(),
});

export const updateTenantBody = z
  .strictObject({ name: name.optional(), status: z.enum(['active', 'suspended']).optional() })
  .refine((b) => b.name !== undefined || b.status !== undefined, 'give name or status');

export const listTenantsQuery = queryObject({
  tier: z.enum(TIERS).optional(),
  status: z.enum(TENANT_STATUSES).optional(),
  q: z.string().trim().min(1).max(100).optional(),
  server: z
    .string()
    .regex(/^[a-z][a-z0-9_-]{0,62}$/, 'must be a registered server name')
    .optional(),
  sort: z.enum(TENANT_SORT_KEYS).default('slug'),
  order: z.enum(['asc', 'desc']).default('asc'),
  limit: intParam(1, 500).default(50),
  offset: intParam(0, 1_000_000).default(0),
  cursor: z.string().max(128).optional(),
});

/** Path parameter naming a tenant by UUID or slug. */
export const tenantRef = z.string().min(1).max(64);
