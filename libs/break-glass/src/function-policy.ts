import { tokenize } from './sql-tokens';

/** A call as PostgreSQL deparses it: `name(` or `schema.name(`. */
export interface FunctionCall {
  schema: string | null;
  name: string;
}

/**
 * The function calls in a query as `pg_get_viewdef` prints it. The deparser prints every call of the
 * query tree — target list, FROM (set-returning functions included), WHERE, GROUP BY, HAVING, window
 * frames, ORDER BY, LIMIT and OFFSET, VALUES lists, CTEs and sublinks — by its pg_proc name (qualified
 * when the search path would not find it), followed by `(`; only a handful of SQL-syntax forms print a
 * keyword instead (EXTRACT, SUBSTRING, TRIM, POSITION, OVERLAY, NORMALIZE, COLLATION FOR, AT TIME ZONE),
 * all of them harmless built-ins. Other words before a `(` (IN, ANY, ARRAY, VALUES, an alias's column
 * list) come out too; they name no function and are ignored by the policy.
 */
export function functionCalls(deparsed: string): FunctionCall[] {
  const tokens = tokenize(deparsed);
  const calls: FunctionCall[] = [];
  tokens.forEach((t, i) => {
    if (!(t.kind === 'symbol' && t.value === '(')) return;
    const name = tokens[i - 1];
    if (!name || (name.kind !== 'word' && name.kind !== 'quoted')) return;
    const dot = tokens[i - 2];
    const schema = tokens[i - 3];
    const qualified =
      dot?.kind === 'symbol' && dot.value === '.' && (schema?.kind === 'word' || schema?.kind === 'quoted');
    calls.push({ schema: qualified ? schema.value : null, name: name.value });
  });
  return calls;
}

/** What pg_proc says of every function of one name (overloads together). */
export interface FunctionFacts {
  name: string;
  /** Every function of that name lives in pg_catalog. */
  catalogOnly: boolean;
  /** Some overload is VOLATILE (random(), nextval(), set_config(), pg_sleep(), pg_advisory_lock(), …). */
  volatile: boolean;
  /** Some overload is SECURITY DEFINER or carries its own settings (SET …). */
  special: boolean;
}

/** Built-ins named pg_* that only describe a value. */
const HARMLESS_PG = new Set(['pg_typeof', 'pg_column_size', 'pg_size_pretty', 'pg_size_bytes']);

/**
 * Built-ins refused whatever their volatility, with the reason. The statement runs as the break-glass
 * role with the tenant in its context; none of these may change that context or reach past it.
 */
const DENIED: [RegExp, string][] = [
  [/^(set_config|current_setting)$/, 'the tenant context and the role are not the statement’s to read or change'],
  [/_to_xml|_to_xmlschema$|^ts_stat$/, 'it runs SQL text or reads a table by name, past these checks'],
  [/^lo_|^dblink/, 'it reaches large objects or other databases'],
  [/^to_reg|description$/, 'it probes or describes objects outside the tenant’s tables'],
  [/^pg_/, 'server internals (files, sizes and statistics of any table, backends, locks, settings) are out of reach'],
];

/**
 * Why `call` is refused, or null when it may run: only built-ins of pg_catalog that are not VOLATILE, not
 * SECURITY DEFINER, carry no settings of their own and are not on the list above. A name that no
 * function has is not a call (a keyword or an alias), and is let through.
 */
export function refusedCall(call: FunctionCall, facts: ReadonlyMap<string, FunctionFacts>): string | null {
  const shown = call.schema ? `${call.schema}.${call.name}` : call.name;
  if (call.schema !== null && call.schema !== 'pg_catalog')
    return `${shown}(): only built-in functions (pg_catalog) may be called`;
  const fact = facts.get(call.name);
  if (!fact) return null;
  if (!fact.catalogOnly) return `${shown}(): only built-in functions (pg_catalog) may be called`;
  if (!HARMLESS_PG.has(call.name)) {
    const denied = DENIED.find(([pattern]) => pattern.test(call.name));
    if (denied) return `${shown}() is refused: ${denied[1]}`;
  }
  if (fact.volatile) return `${shown}() is VOLATILE (it may change state or read outside the snapshot)`;
  if (fact.special) return `${shown}() runs with settings or rights of its own`;
  return null;
}
