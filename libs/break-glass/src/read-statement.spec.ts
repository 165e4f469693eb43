import { describe, expect, it } from 'vitest';
import { isDomainError } from '@switchyard/errors';
import { readStatement } from './read-statement';

const refusal = (sql: string): string => {
  try {
    readStatement(sql);
  } catch (error) {
    if (isDomainError(error, 'QUERY_REFUSED')) return error.message;
    throw error;
  }
  throw new Error(`not refused: ${sql}`);
};

describe('readStatement', () => {
  it.each([
    ['SELECT 1', 'SELECT 1'],
    ['  select * from employees ;  ', 'select * from employees'],
    ['SELECT 1;;', 'SELECT 1'],
    ['SELECT 1; -- done\n', 'SELECT 1'],
    ['/* why */ WITH x AS (SELECT 1) SELECT * FROM x', 'WITH x AS (SELECT 1) SELECT * FROM x'],
    ['VALUES (1), (2)', 'VALUES (1), (2)'],
    ['TABLE employees', 'TABLE employees'],
    ['(SELECT 1) UNION (SELECT 2)', '(SELECT 1) UNION (SELECT 2)'],
    ["SELECT ';' AS semi, $$ ; DELETE $$, E'\\'; DROP', \"a;b\" FROM t", null],
    ['SELECT "update" FROM t', null],
    ['SELECT 1 -- trailing comment', 'SELECT 1'],
  ])('accepts %j', (sql, query) => {
    expect(readStatement(sql)).toEqual({ kind: 'query', query: query ?? sql });
  });

  it('accepts EXPLAIN without ANALYZE, keeping its options', () => {
    expect(readStatement('EXPLAIN (FORMAT JSON, COSTS off) SELECT 1')).toEqual({
      kind: 'explain',
      prefix: 'EXPLAIN (FORMAT JSON, COSTS off)',
      query: 'SELECT 1',
    });
    expect(readStatement('explain verbose table employees;')).toEqual({
      kind: 'explain',
      prefix: 'explain verbose',
      query: 'table employees',
    });
  });

  it.each([
    ['', /empty/],
    ['  ; ', /empty/],
    ['-- nothing', /empty/],
    ['SELECT 1; SELECT 2', /one statement/],
    ['SELECT 1; DROP TABLE employees', /one statement/],
    ['SELECT 1 /* unterminated', /cannot be read/],
    ["SELECT 'open", /cannot be read/],
    ['SELECT $a$ open', /cannot be read/],
    ['INSERT INTO employees VALUES (1)', /"INSERT" is not a read/],
    ['UPDATE employees SET email = 1', /"UPDATE" is not a read/],
    ['DELETE FROM employees', /"DELETE" is not a read/],
    ['COPY employees TO STDOUT', /"COPY" is not a read/],
    ['SET ROLE postgres', /"SET" is not a read/],
    ['CALL p()', /not a read/],
    ['WITH d AS (DELETE FROM employees RETURNING *) SELECT * FROM d', /writes \(DELETE FROM\)/],
    ['WITH i AS (INSERT INTO t VALUES (1) RETURNING 1) SELECT 1', /writes \(INSERT INTO\)/],
    ['WITH x AS (SELECT 1) UPDATE t SET a = 1', /writes/],
    ['SELECT * INTO copy FROM employees', /INTO creates a table/],
    ['SELECT * FROM employees FOR UPDATE', /locks rows/],
    ['SELECT * FROM employees FOR NO KEY UPDATE', /locks rows/],
    ['SELECT * FROM employees FOR SHARE', /locks rows/],
    ['EXPLAIN ANALYZE SELECT 1', /ANALYZE/],
    ['EXPLAIN (ANALYSE) SELECT 1', /ANALYZE/],
    ['EXPLAIN (costs off, "analyze" true) SELECT 1', /ANALYZE/],
    ['EXPLAIN DELETE FROM employees', /not a read/],
    ['EXPLAIN EXPLAIN SELECT 1', /not a read/],
    ['SELECT 1) UNION (SELECT 2', /unbalanced/],
    ['SELECT (1', /unbalanced/],
  ])('refuses %j', (sql, message) => {
    expect(refusal(sql)).toMatch(message);
  });
});
