import { tenantIdColumn, tenantIsolationPolicy } from '@switchyard/tenancy';
import { integer, jsonb, pgTable, primaryKey, text, timestamp } from 'drizzle-orm/pg-core';

/**
 * A client's idempotency keys, kept with the tenant's own data (a tenant table like any other: it moves
 * with the tenant in every tier and is isolated by RLS). `status` is null while the first request
 * with the key runs; then the response it got is kept for replay until the retention ends.
 */
export const idempotencyKeys = pgTable(
  'idempotency_keys',
  {
    tenantId: tenantIdColumn(),
    key: text('key').notNull(),
    requestHash: text('request_hash').notNull(),
    status: integer('status'),
    response: jsonb('response'),
    /** The first response's Location header, replayed with it. */
    location: text('location'),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    primaryKey({ name: 'idempotency_keys_pkey', columns: [t.tenantId, t.key] }),
    tenantIsolationPolicy('idempotency_keys_tenant_isolation'),
  ],
).enableRLS();
