import { DomainError } from '@switchyard/errors';
import { SqlLexError, tokenize, type Token } from './sql-tokens';

/** One statement that reads, as break-glass will run it. */
export type ReadStatement =
  /** A query: SELECT, WITH … SELECT, VALUES or TABLE (possibly in parentheses). */
  | { kind: 'query'; query: string }
  /** `EXPLAIN [options] <query>` without ANALYZE: `prefix` is the EXPLAIN and its options as written. */
  | { kind: 'explain'; prefix: string; query: string };

const READS = new Set(['select', 'with', 'values', 'table']);
/** Keywords of statements that change data; break-glass refuses them wherever they appear unquoted. */
const WRITES = new Set(['insert', 'update', 'delete', 'merge']);
const ROW_LOCKS = new Set(['update', 'share', 'no', 'key']);

const refuse = (message: string): never => {
  throw new DomainError('QUERY_REFUSED', message);
};

/**
 * Checks, before anything runs, that `sql` is exactly one statement that reads — SELECT, WITH … SELECT,
 * VALUES, TABLE, or EXPLAIN of one of those without ANALYZE — and returns it without its trailing `;`.
 * Refused (QUERY_REFUSED): an empty text, a second statement after a `;`, any other command, a
 * data-modifying keyword anywhere (INSERT/UPDATE/DELETE/MERGE, a data-modifying CTE included), SELECT …
 * INTO, a row lock (FOR UPDATE/SHARE), EXPLAIN ANALYZE, unbalanced parentheses. This is the first of
 * several walls, not the only one: the statement is also sent with the extended protocol (one command
 * only), checked by PostgreSQL's own parser and planner, and run in a READ ONLY transaction.
 */
export function readStatement(sql: string): ReadStatement {
  let tokens: Token[];
  try {
    tokens = tokenize(sql);
  } catch (error) {
    if (error instanceof SqlLexError) return refuse(`The statement cannot be read: ${error.message}`);
    throw error;
  }
  const semicolon = tokens.findIndex((t) => t.kind === 'symbol' && t.value === ';');
  if (semicolon >= 0) {
    if (tokens.slice(semicolon).some((t) => !(t.kind === 'symbol' && t.value === ';')))
      refuse('Only one statement may run: nothing may follow a ";"');
    tokens = tokens.slice(0, semicolon);
  }
  const first = tokens[0];
  if (!first) return refuse('The statement is empty');
  const end = tokens.at(-1)!.end;
  // Balanced, so that the query parses the same inside the parentheses break-glass wraps it in.
  if (tokens.some((t) => t.depth < 0) || depthAfter(tokens) !== 0) refuse('The statement has unbalanced parentheses');
  if (first.kind === 'word' && first.value === 'explain') {
    const rest = explainOptionsEnd(tokens);
    const body = tokens.slice(rest);
    const bodyStart = body[0];
    if (!bodyStart) return refuse('EXPLAIN of what? Give the query after EXPLAIN and its options');
    const query = sql.slice(bodyStart.start, end);
    checkQuery(body);
    return { kind: 'explain', prefix: sql.slice(first.start, bodyStart.start).trimEnd(), query };
  }
  checkQuery(tokens);
  return { kind: 'query', query: sql.slice(first.start, end) };
}

const isClose = (t: Token) => t.kind === 'symbol' && t.value === ')';

/** Parentheses still open after the last token. */
function depthAfter(tokens: Token[]): number {
  const last = tokens.at(-1);
  if (!last) return 0;
  if (last.kind === 'symbol' && last.value === '(') return last.depth + 1;
  return last.depth;
}

/** Index of the first token after `EXPLAIN` and its options; refuses ANALYZE in either option syntax. */
function explainOptionsEnd(tokens: Token[]): number {
  const analyze = (t: Token) => (t.kind === 'word' || t.kind === 'quoted') && /^analy[sz]e$/i.test(t.value);
  let i = 1;
  const open = tokens[i];
  if (open?.kind === 'symbol' && open.value === '(') {
    const close = tokens.findIndex((t, j) => j > i && isClose(t) && t.depth === open.depth);
    if (close < 0) return refuse('The EXPLAIN options are not closed');
    if (tokens.slice(i, close).some(analyze)) refuse('EXPLAIN ANALYZE runs the statement: use EXPLAIN without ANALYZE');
    return close + 1;
  }
  while (tokens[i] && tokens[i]!.kind === 'word' && ['analyze', 'analyse', 'verbose'].includes(tokens[i]!.value)) {
    if (analyze(tokens[i]!)) refuse('EXPLAIN ANALYZE runs the statement: use EXPLAIN without ANALYZE');
    i++;
  }
  return i;
}

function checkQuery(tokens: Token[]): void {
  const leading = tokens.find((t) => !(t.kind === 'symbol' && t.value === '('));
  const keyword = leading?.kind === 'word' ? leading.value : undefined;
  if (!keyword || !READS.has(keyword))
    refuse(
      `${leading ? `"${leading.kind === 'word' ? leading.value.toUpperCase() : leading.value}"` : 'This'} is not a read: only SELECT, WITH … SELECT, VALUES, TABLE or EXPLAIN (without ANALYZE) may run`,
    );
  tokens.forEach((t, i) => {
    if (t.kind !== 'word') return;
    if (WRITES.has(t.value)) {
      const next = tokens[i + 1];
      const previous = tokens[i - 1];
      // `FOR UPDATE` is a row lock, reported as such below; anything else is a write.
      if (!(t.value === 'update' && previous?.kind === 'word' && previous.value === 'for') && !isNoKeyUpdate(tokens, i))
        refuse(
          `The statement writes (${t.value.toUpperCase()}${next?.kind === 'word' ? ` ${next.value.toUpperCase()}` : ''}): break-glass only reads`,
        );
    }
    if (t.value === 'into' && t.depth === 0) refuse('SELECT … INTO creates a table: break-glass only reads');
    if (t.value === 'for' && tokens[i + 1]?.kind === 'word' && ROW_LOCKS.has(tokens[i + 1]!.value))
      refuse('The statement locks rows (FOR UPDATE / FOR SHARE): break-glass only reads');
  });
}

/** `FOR NO KEY UPDATE`: the UPDATE of a row lock, refused as a lock by its FOR. */
function isNoKeyUpdate(tokens: Token[], i: number): boolean {
  return tokens[i]?.value === 'update' && tokens[i - 1]?.value === 'key' && tokens[i - 2]?.value === 'no';
}
