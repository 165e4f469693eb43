import { DomainError } from '@switchyard/errors';

const UUID_RE = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
const SAFE_IDENTIFIER_RE = /^[a-z_][a-z0-9_]{0,62}$/;

export function isUuid(value: unknown): value is string {
  return typeof value === 'string' && UUID_RE.test(value);
}

function tenantHex(tenantId: string): string {
  if (!isUuid(tenantId)) {
    throw new DomainError('VALIDATION_FAILED', 'A tenant id must be a lower-case UUID');
  }
  return tenantId.replace(/-/g, '');
}

/**
 * The one function that names a tenant's storage (I6): both names derive from the tenant id only,
 * never from a slug or any other user input, and are valid unquoted identifiers.
 */
export function tenantStorageNames(tenantId: string): { schema: string; database: string } {
  const hex = tenantHex(tenantId);
  return { schema: `t_${hex}`, database: `sy_t_${hex}` };
}

/**
 * Quotes an identifier for SQL. Only identifiers Switchyard derived itself pass: anything outside
 * `[a-z_][a-z0-9_]*` is refused rather than escaped.
 */
export function quoteIdent(name: string): string {
  if (!SAFE_IDENTIFIER_RE.test(name)) {
    throw new DomainError('VALIDATION_FAILED', `Refusing unsafe SQL identifier ${JSON.stringify(name)}`);
  }
  return `"${name}"`;
}
