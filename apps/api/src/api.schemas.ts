import { intParam, queryObject } from '@switchyard/http';
import { WELLNESS_KINDS, type WellnessKind } from '@switchyard/tenant-data';
import { z } from 'zod';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

export const uuidSchema = z.string().trim().toLowerCase().regex(UUID, 'must be a UUID');

/** A calendar date that exists (2024-02-30 is refused here, not by PostgreSQL); one error when it is not. */
export const isoDateSchema = z.string().refine((value) => {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(value)) return false;
  const date = new Date(`${value}T00:00:00Z`);
  return !Number.isNaN(date.getTime()) && date.toISOString().startsWith(value);
}, 'must be a valid date (YYYY-MM-DD)');

/** Text PostgreSQL can store as given: no NUL, no unpaired UTF-16 surrogate (it would become U+FFFD). */
export const storableText = z
  .string()
  .refine((s) => !s.includes('\0'), 'must not contain NUL characters')
  .refine((s) => !/\p{Cs}/u.test(s), 'must be valid Unicode');

const pageQuery = {
  limit: intParam(1, 100).default(20),
  cursor: z.string().max(128).optional(),
};

export const listEmployeesQuery = queryObject(pageQuery);

const email = storableText.pipe(z.string().trim().toLowerCase().max(254)).pipe(z.email());
const fullName = storableText.pipe(z.string().trim().min(1).max(200));

export const createEmployeeBody = z.strictObject({ email, fullName });

export const updateEmployeeBody = z
  .strictObject({ email: email.optional(), fullName: fullName.optional() })
  .refine((b) => b.email !== undefined || b.fullName !== undefined, 'give email or fullName');

/** A period is read from `from` to `to`, both included: one that ends before it starts is a mistake. */
const inOrder = (q: { from?: string; to?: string }) => !q.from || !q.to || q.from <= q.to;
const periodError = { message: 'must not be after to', path: ['from'] };

export const listEntriesQuery = queryObject({
  ...pageQuery,
  employeeId: uuidSchema.optional(),
  from: isoDateSchema.optional(),
  to: isoDateSchema.optional(),
}).refine(inOrder, periodError);

/** What a value of each kind can be: no negative steps, no 30-hour nights. */
export const WELLNESS_VALUE_RANGES: Record<WellnessKind, [number, number]> = {
  steps: [0, 200_000],
  sleep_hours: [0, 24],
  water_ml: [0, 20_000],
  mood: [1, 10],
  exercise_minutes: [0, 1_440],
  meditation_minutes: [0, 1_440],
};

export const createEntryBody = z
  .strictObject({
    employeeId: uuidSchema,
    kind: z.enum(WELLNESS_KINDS),
    value: z.number().finite(),
    loggedOn: isoDateSchema,
    notes: storableText.pipe(z.string().max(2000)).nullish(),
  })
  .superRefine((entry, ctx) => {
    const [min, max] = WELLNESS_VALUE_RANGES[entry.kind] ?? [0, 0];
    if (typeof entry.value === 'number' && (entry.value < min || entry.value > max))
      ctx.addIssue({ code: 'custom', path: ['value'], message: `a ${entry.kind} value must be from ${min} to ${max}` });
  });

export const summaryQuery = queryObject({ from: isoDateSchema.optional(), to: isoDateSchema.optional() }).refine(
  inOrder,
  periodError,
);

// ---- responses (documented in OpenAPI; the services' types are the source of their shape) --------

const timestamp = z.iso.datetime().describe('ISO 8601 timestamp');

export const tenantResponse = z.object({ id: z.uuid(), slug: z.string(), name: z.string() });

export const employeeResponse = z.object({
  id: z.uuid(),
  email: z.email(),
  fullName: z.string(),
  createdAt: timestamp,
  updatedAt: timestamp,
});

export const wellnessEntryResponse = z.object({
  id: z.uuid(),
  employeeId: z.uuid(),
  kind: z.enum(WELLNESS_KINDS),
  value: z.number(),
  loggedOn: z.iso.date(),
  notes: z.string().nullable(),
  createdAt: timestamp,
});

export const pageOf = <T extends z.ZodType>(item: T) =>
  z.object({
    items: z.array(item),
    nextCursor: z.string().nullable().describe('Pass as `cursor` for the next page; null on the last'),
  });

export const summaryResponse = z.array(
  z.object({ kind: z.enum(WELLNESS_KINDS), count: z.number().int(), total: z.number(), average: z.number() }),
);
