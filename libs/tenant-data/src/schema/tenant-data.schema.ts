import { sql } from 'drizzle-orm';
import {
  check,
  date,
  foreignKey,
  index,
  numeric,
  pgPolicy,
  pgTable,
  primaryKey,
  text,
  timestamp,
  uniqueIndex,
  uuid,
} from 'drizzle-orm/pg-core';

/**
 * The transaction-local tenant setting (I4). `nullif` turns "never set in this session" (NULL) and
 * "set by an earlier, finished transaction" ('') into NULL, so a query without context matches no row
 * and a write without context fails its WITH CHECK (fail closed, I1).
 */
export const CURRENT_TENANT_SQL = "nullif(current_setting('switchyard.tenant_id', true), '')::uuid";
const currentTenant = sql.raw(CURRENT_TENANT_SQL);
const tenantMatches = sql`tenant_id = ${currentTenant}`;

/** tenant_id column shared by every tenant table: defaults to the current tenant, never null. */
const tenantId = () => uuid('tenant_id').notNull().default(currentTenant);

export const WELLNESS_KINDS = [
  'steps',
  'sleep_hours',
  'water_ml',
  'mood',
  'exercise_minutes',
  'meditation_minutes',
] as const;
export type WellnessKind = (typeof WELLNESS_KINDS)[number];

export const employees = pgTable(
  'employees',
  {
    tenantId: tenantId(),
    id: uuid('id').notNull().defaultRandom(),
    email: text('email').notNull(),
    fullName: text('full_name').notNull(),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    primaryKey({ name: 'employees_pkey', columns: [t.tenantId, t.id] }),
    uniqueIndex('employees_tenant_email_key').on(t.tenantId, t.email),
    pgPolicy('employees_tenant_isolation', { for: 'all', using: tenantMatches, withCheck: tenantMatches }),
  ],
).enableRLS();

export const wellnessEntries = pgTable(
  'wellness_entries',
  {
    tenantId: tenantId(),
    id: uuid('id').notNull().defaultRandom(),
    employeeId: uuid('employee_id').notNull(),
    kind: text('kind').$type<WellnessKind>().notNull(),
    value: numeric('value', { precision: 12, scale: 2 }).notNull(),
    loggedOn: date('logged_on').notNull(),
    notes: text('notes'),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    primaryKey({ name: 'wellness_entries_pkey', columns: [t.tenantId, t.id] }),
    foreignKey({
      name: 'wellness_entries_employee_fkey',
      columns: [t.tenantId, t.employeeId],
      foreignColumns: [employees.tenantId, employees.id],
    }).onDelete('cascade'),
    index('wellness_entries_employee_idx').on(t.tenantId, t.employeeId, t.loggedOn),
    index('wellness_entries_logged_on_idx').on(t.tenantId, t.loggedOn),
    check(
      'wellness_entries_kind_check',
      sql`${t.kind} in ('steps', 'sleep_hours', 'water_ml', 'mood', 'exercise_minutes', 'meditation_minutes')`,
    ),
    pgPolicy('wellness_entries_tenant_isolation', { for: 'all', using: tenantMatches, withCheck: tenantMatches }),
  ],
).enableRLS();

/** Every tenant table, for grants, the isolation checks and (later) moves. */
export const TENANT_TABLES = ['employees', 'wellness_entries'] as const;
