import { z } from 'zod';

/** Most rows a break-glass read returns; `truncated` says there were more. */
export const BREAK_GLASS_ROW_LIMIT = 1_000;

/** Longest statement accepted (it is kept whole in the audit log). */
export const BREAK_GLASS_MAX_STATEMENT = 20_000;

const text = z
  .string()
  .refine((s) => !s.includes('\0') && !/\p{Cs}/u.test(s), 'must be valid text without NUL characters');

/** A tenant, by UUID or slug (as the other tenant routes take it). */
export const breakGlassTenantRef = z.string().min(1).max(64);

/** `POST /v1/tenants/{ref}/query`, and what `switchyard tenants query` sends the same service. */
export const breakGlassQueryBody = z.strictObject({
  reason: text
    .pipe(z.string().trim().min(3).max(500))
    .describe('Why this read is needed (3–500 characters); kept in the audit log with the statement'),
  sql: text
    .pipe(z.string().trim().min(1).max(BREAK_GLASS_MAX_STATEMENT))
    .describe('One statement that reads: SELECT, WITH … SELECT, VALUES, TABLE, or EXPLAIN without ANALYZE'),
});

export type BreakGlassQueryInput = z.infer<typeof breakGlassQueryBody>;

export const breakGlassQueryResult = z.strictObject({
  columns: z
    .array(z.strictObject({ name: z.string(), type: z.string().describe('The PostgreSQL type, e.g. "uuid", "text"') }))
    .describe('The result columns in order (names may repeat)'),
  rows: z
    .array(z.array(z.string().nullable()))
    .describe('One array per row, a value per column as PostgreSQL prints it (text), null for NULL'),
  rowCount: z.number().int().describe('Rows returned (at most 1000)'),
  truncated: z.boolean().describe('The statement had more rows than the 1000 returned'),
});

export type BreakGlassQueryResult = z.infer<typeof breakGlassQueryResult>;
