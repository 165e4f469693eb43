import { z } from 'zod';

/**
 * A query parameter given at most once: `?limit=1&limit=2` is refused with a clear message instead of
 * one value being picked silently.
 */
export function once<T extends z.ZodType>(schema: T) {
  return z.preprocess((value, ctx) => {
    if (!Array.isArray(value)) return value;
    ctx.addIssue({ code: 'custom', message: 'must be given once' });
    return undefined;
  }, schema);
}

/**
 * A whole number written in plain decimal digits, within [min, max]. `1e2`, `0x10`, `+5`, ` 5` and
 * `5.0` are refused: what a client sends is what it meant, or a 400.
 */
export function intParam(min: number, max: number) {
  return z
    .string()
    .regex(/^(0|[1-9][0-9]{0,15})$/, 'must be a whole number in decimal digits')
    .transform(Number)
    .pipe(z.number().int().min(min).max(max));
}

/**
 * The query of one route: every parameter at most once, and any other parameter — a typo, a
 * bracketed `limit[]` or `from[$gt]` — refused by name rather than dropped.
 */
export function queryObject<T extends Record<string, z.ZodType>>(shape: T) {
  const single = Object.fromEntries(Object.entries(shape).map(([key, schema]) => [key, once(schema)])) as {
    [K in keyof T]: ReturnType<typeof once<T[K]>>;
  };
  return z.strictObject(single, {
    error: (issue) =>
      issue.code === 'unrecognized_keys'
        ? `unknown parameter${issue.keys.length > 1 ? 's' : ''}: ${issue.keys.join(', ')}`
        : undefined,
  });
}
