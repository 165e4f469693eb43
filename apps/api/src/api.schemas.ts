import { WELLNESS_KINDS } from '@switchyard/tenant-data';
import { z } from 'zod';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

export const uuidSchema = z.string().trim().toLowerCase().regex(UUID, 'must be a UUID');

/** A calendar date that exists (2024-02-30 is refused here, not by PostgreSQL). */
export const isoDateSchema = z.iso.date().refine((value) => {
  const date = new Date(`${value}T00:00:00Z`);
  return !Number.isNaN(date.getTime()) && date.toISOString().startsWith(value);
}, 'must be a valid date (YYYY-MM-DD)');

/** Text PostgreSQL can store as given: no NUL, no unpaired UTF-16 surrogate (it would become U+FFFD). */
export const storableText = z
  .string()
  .refine((s) => !s.includes('\0'), 'must not contain NUL characters')
  .refine((s) => !/\p{Cs}/u.test(s), 'must be valid Unicode');

const pageQuery = {
  limit: z.coerce.number().int().min(1).max(100).default(20),
  cursor: z.string().max(128).optional(),
};

export const listEmployeesQuery = z.object(pageQuery);

const email = storableText.pipe(z.string().trim().toLowerCase().max(254)).pipe(z.email());
const fullName = storableText.pipe(z.string().trim().min(1).max(200));

export const createEmployeeBody = z.strictObject({ email, fullName });

export const updateEmployeeBody = z
  .strictObject({ email: email.optional(), fullName: fullName.optional() })
  .refine((b) => b.email !== undefined || b.fullName !== undefined, 'give email or fullName');

export const listEntriesQuery = z.object({
  ...pageQuery,
  employeeId: uuidSchema.optional(),
  from: isoDateSchema.optional(),
  to: isoDateSchema.optional(),
});

export const createEntryBody = z.strictObject({
  employeeId: uuidSchema,
  kind: z.enum(WELLNESS_KINDS),
  value: z.number().finite().gte(-1_000_000_000).lte(1_000_000_000),
  loggedOn: isoDateSchema,
  notes: storableText.pipe(z.string().max(2000)).nullish(),
});

export const summaryQuery = z.object({ from: isoDateSchema.optional(), to: isoDateSchema.optional() });
