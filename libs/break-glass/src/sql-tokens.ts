/**
 * A lexer for PostgreSQL's SQL, as far as break-glass needs one: where comments, string literals,
 * quoted identifiers and dollar-quoted bodies begin and end, so that a `;`, a keyword or a `(` is only
 * ever seen where PostgreSQL's own lexer sees it. It assumes `standard_conforming_strings = on` (the
 * default since PostgreSQL 9.1), which the break-glass transactions set for themselves.
 */
export type TokenKind = 'word' | 'quoted' | 'string' | 'number' | 'param' | 'symbol';

export interface Token {
  kind: TokenKind;
  /** Words lower-cased; quoted identifiers unquoted, exact; symbols as written. */
  value: string;
  start: number;
  end: number;
  /** Parentheses open around the token (a `(` counts itself out, a `)` itself in). */
  depth: number;
}

export class SqlLexError extends Error {}

const isSpace = (c: string) => c === ' ' || c === '\t' || c === '\n' || c === '\r' || c === '\f' || c === '\v';
const isIdentStart = (c: string) => /[A-Za-z_]/.test(c) || c.charCodeAt(0) >= 0x80;
const isIdentCont = (c: string) => /[A-Za-z0-9_$]/.test(c) || c.charCodeAt(0) >= 0x80;
const isDigit = (c: string) => c >= '0' && c <= '9';

/** End (exclusive) of a `'…'` literal opening at `open` (the quote); `backslashes` for E'…'. */
function endOfString(sql: string, open: number, backslashes: boolean): number {
  for (let i = open + 1; i < sql.length; i++) {
    const c = sql[i];
    if (backslashes && c === '\\') {
      i++;
      continue;
    }
    if (c === "'") {
      if (sql[i + 1] === "'") {
        i++;
        continue;
      }
      return i + 1;
    }
  }
  throw new SqlLexError('unterminated string literal');
}

function endOfQuotedIdent(sql: string, open: number): number {
  for (let i = open + 1; i < sql.length; i++) {
    if (sql[i] !== '"') continue;
    if (sql[i + 1] === '"') {
      i++;
      continue;
    }
    return i + 1;
  }
  throw new SqlLexError('unterminated quoted identifier');
}

function endOfBlockComment(sql: string, open: number): number {
  let depth = 0;
  for (let i = open; i < sql.length; i++) {
    if (sql.startsWith('/*', i)) {
      depth++;
      i++;
    } else if (sql.startsWith('*/', i)) {
      depth--;
      i++;
      if (depth === 0) return i + 1;
    }
  }
  throw new SqlLexError('unterminated /* comment');
}

const DOLLAR_TAG = /^\$([A-Za-z_\u0080-\uffff][A-Za-z0-9_\u0080-\uffff]*)?\$/;

/** Every token of `sql`, in order; throws SqlLexError for an unterminated literal, identifier or comment. */
export function tokenize(sql: string): Token[] {
  const tokens: Token[] = [];
  let depth = 0;
  const push = (kind: TokenKind, start: number, end: number, value: string) => {
    if (kind === 'symbol' && value === ')') depth--;
    tokens.push({ kind, value, start, end, depth });
    if (kind === 'symbol' && value === '(') depth++;
  };
  let i = 0;
  while (i < sql.length) {
    const c = sql[i]!;
    const next = sql[i + 1] ?? '';
    if (isSpace(c)) {
      i++;
    } else if (c === '-' && next === '-') {
      while (i < sql.length && sql[i] !== '\n' && sql[i] !== '\r') i++;
    } else if (c === '/' && next === '*') {
      i = endOfBlockComment(sql, i);
    } else if (c === "'") {
      const end = endOfString(sql, i, false);
      push('string', i, end, sql.slice(i, end));
      i = end;
    } else if ((c === 'e' || c === 'E') && next === "'") {
      const end = endOfString(sql, i + 1, true);
      push('string', i, end, sql.slice(i, end));
      i = end;
    } else if (/[bBxXnN]/.test(c) && next === "'") {
      const end = endOfString(sql, i + 1, false);
      push('string', i, end, sql.slice(i, end));
      i = end;
    } else if ((c === 'u' || c === 'U') && next === '&' && (sql[i + 2] === "'" || sql[i + 2] === '"')) {
      const end = sql[i + 2] === "'" ? endOfString(sql, i + 2, false) : endOfQuotedIdent(sql, i + 2);
      push(sql[i + 2] === "'" ? 'string' : 'quoted', i, end, sql.slice(i + 3, end - 1).replaceAll('""', '"'));
      i = end;
    } else if (c === '"') {
      const end = endOfQuotedIdent(sql, i);
      push('quoted', i, end, sql.slice(i + 1, end - 1).replaceAll('""', '"'));
      i = end;
    } else if (c === '$' && isDigit(next)) {
      let end = i + 1;
      while (end < sql.length && isDigit(sql[end]!)) end++;
      push('param', i, end, sql.slice(i, end));
      i = end;
    } else if (c === '$') {
      const tag = DOLLAR_TAG.exec(sql.slice(i))?.[0];
      if (!tag) {
        push('symbol', i, i + 1, c);
        i++;
        continue;
      }
      const close = sql.indexOf(tag, i + tag.length);
      if (close < 0) throw new SqlLexError('unterminated dollar-quoted string');
      push('string', i, close + tag.length, sql.slice(i, close + tag.length));
      i = close + tag.length;
    } else if (isIdentStart(c)) {
      let end = i + 1;
      while (end < sql.length && isIdentCont(sql[end]!)) end++;
      push('word', i, end, sql.slice(i, end).toLowerCase());
      i = end;
    } else if (isDigit(c) || (c === '.' && isDigit(next))) {
      let end = i + 1;
      while (end < sql.length && (isIdentCont(sql[end]!) || sql[end] === '.')) {
        if ((sql[end] === 'e' || sql[end] === 'E') && (sql[end + 1] === '+' || sql[end + 1] === '-')) end++;
        end++;
      }
      push('number', i, end, sql.slice(i, end));
      i = end;
    } else {
      push('symbol', i, i + 1, c);
      i++;
    }
  }
  return tokens;
}
