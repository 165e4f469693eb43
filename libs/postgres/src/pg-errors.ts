/** SQLSTATE codes Switchyard reacts to. */
export const PgErrorCode = {
  uniqueViolation: '23505',
  foreignKeyViolation: '23503',
  checkViolation: '23514',
  insufficientPrivilege: '42501',
  duplicateDatabase: '42P04',
  duplicateObject: '42710',
  duplicateSchema: '42P06',
  invalidCatalogName: '3D000',
  queryCanceled: '57014',
  lockNotAvailable: '55P03',
  objectInUse: '55006',
  readOnlySqlTransaction: '25006',
  uniqueViolationOnCatalog: '23505',
} as const;

export interface PgError extends Error {
  code: string;
  constraint?: string;
  detail?: string;
}

/** The PostgreSQL error behind `error`, looking through wrappers such as drizzle's DrizzleQueryError. */
export function pgErrorOf(error: unknown): PgError | undefined {
  for (let current = error, depth = 0; current instanceof Error && depth < 5; current = current.cause, depth++) {
    const code = (current as Partial<PgError>).code;
    if (typeof code === 'string' && /^[0-9A-Z]{5}$/.test(code)) return current as PgError;
  }
  return undefined;
}

export function isPgError(error: unknown, code?: string): boolean {
  const pgError = pgErrorOf(error);
  return pgError !== undefined && (code === undefined || pgError.code === code);
}
