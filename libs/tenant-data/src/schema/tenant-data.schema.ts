import { sql } from 'drizzle-orm';
import { tenantIdColumn, tenantIsolationPolicy } from '@switchyard/tenancy';
import {
  check,
  date,
  foreignKey,
  index,
  numeric,
  pgTable,
  primaryKey,
  text,
  timestamp,
  uniqueIndex,
  uuid,
} from 'drizzle-orm/pg-core';

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
    tenantId: tenantIdColumn(),
    id: uuid('id').notNull().defaultRandom(),
    email: text('email').notNull(),
    fullName: text('full_name').notNull(),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    primaryKey({ name: 'employees_pkey', columns: [t.tenantId, t.id] }),
    uniqueIndex('employees_tenant_email_key').on(t.tenantId, t.email),
    tenantIsolationPolicy('employees_tenant_isolation'),
  ],
).enableRLS();

export const wellnessEntries = pgTable(
  'wellness_entries',
  {
    tenantId: tenantIdColumn(),
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
    tenantIsolationPolicy('wellness_entries_tenant_isolation'),
  ],
).enableRLS();

/** The sample's tenant tables (its own tests use the list; the core finds tenant tables in the catalog). */
export const TENANT_TABLES = ['employees', 'wellness_entries'] as const;
