import { sql } from 'drizzle-orm';
import { pgPolicy, uuid } from 'drizzle-orm/pg-core';

/**
 * The transaction-local tenant setting (I4). `nullif` turns "never set in this session" (NULL) and
 * "set by an earlier, finished transaction" ('') into NULL, so a query without context matches no row
 * and a write without context fails its WITH CHECK (fail closed, I1).
 */
export const CURRENT_TENANT_SQL = "nullif(current_setting('switchyard.tenant_id', true), '')::uuid";

const currentTenant = sql.raw(CURRENT_TENANT_SQL);
const tenantMatches = sql`tenant_id = ${currentTenant}`;

/**
 * The `tenant_id` column every tenant table starts with (I3): never null, and filled from the tenant
 * context, so repositories never pass it on insert. Put it first in the primary key: `(tenant_id, id)`.
 */
export function tenantIdColumn() {
  return uuid('tenant_id').notNull().default(currentTenant);
}

/**
 * The one policy a tenant table needs (I2): every command, reads (`USING`) and writes (`WITH CHECK`),
 * compared with the transaction-local tenant. Pair it with `.enableRLS()` on the table; the migration
 * generator adds FORCE ROW LEVEL SECURITY, which drizzle-kit cannot express.
 */
export function tenantIsolationPolicy(name: string) {
  return pgPolicy(name, { for: 'all', using: tenantMatches, withCheck: tenantMatches });
}
