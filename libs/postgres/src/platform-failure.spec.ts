import { describe, expect, it } from 'vitest';
import { DomainError } from '@switchyard/errors';
import { asPlatformError, platformFailureOf } from './platform-failure';

const pgError = (code: string, message = 'boom') => Object.assign(new Error(message), { code });

describe('platformFailureOf', () => {
  it.each([
    ['57P01', 'DATABASE_UNAVAILABLE'], // terminated by an administrator
    ['57P03', 'DATABASE_UNAVAILABLE'], // the server is starting up
    ['08006', 'DATABASE_UNAVAILABLE'],
    ['53300', 'DATABASE_UNAVAILABLE'], // too many connections
    ['57014', 'STATEMENT_TIMEOUT'],
    ['55P03', 'DATABASE_BUSY'], // lock_timeout
    ['40P01', 'DATABASE_BUSY'],
  ])('classifies SQLSTATE %s as %s', (sqlstate, code) => {
    expect(platformFailureOf(pgError(sqlstate))?.code).toBe(code);
  });

  it.each([
    new Error('Connection terminated unexpectedly'),
    new Error('Client has encountered a connection error and is not queryable'),
    Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:5432'), { code: 'ECONNREFUSED' }),
    new AggregateError([Object.assign(new Error('connect ECONNREFUSED ::1:5432'), { code: 'ECONNREFUSED' })], ''),
    new Error('Failed query', { cause: pgError('57P01') }),
  ])('sees a lost or refused connection in %s', (error) => {
    expect(platformFailureOf(error)?.code).toBe('DATABASE_UNAVAILABLE');
  });

  it('tells a pool with no free connection (busy) from a database that cannot be reached', () => {
    expect(platformFailureOf(new Error('timeout exceeded when trying to connect'))?.code).toBe('DATABASE_BUSY');
    expect(platformFailureOf(new Error('timeout expired'))?.code).toBe('DATABASE_UNAVAILABLE');
  });

  it('keeps a DomainError that a driver wrapped, rather than classifying the wrapper', () => {
    const budget = new DomainError('DATABASE_BUSY', 'budget in use', { retryAfterSeconds: 1 });
    const wrapped = new Error('Connection terminated due to connection timeout', { cause: budget });
    expect(platformFailureOf(wrapped)).toBeUndefined();
    expect(asPlatformError(wrapped)).toBe(budget);
  });

  it.each([
    pgError('23505'), // unique violation: the request's fault
    pgError('22P02'), // bad input
    pgError('42P01'), // a bug, or a stale location (handled by the router)
    new Error('something else'),
    new DomainError('EMPLOYEE_NOT_FOUND', 'no such employee'),
    undefined,
  ])('leaves anything else alone: %s', (error) => {
    expect(platformFailureOf(error)).toBeUndefined();
  });

  it('turns a platform failure into a DomainError with a Retry-After hint and the original as cause', () => {
    const original = pgError('57014', 'canceling statement due to statement timeout');
    const wrapped = asPlatformError(original, 2);
    expect(wrapped).toBeInstanceOf(DomainError);
    expect(wrapped).toMatchObject({ code: 'STATEMENT_TIMEOUT', details: { retryAfterSeconds: 2 }, cause: original });
    const other = pgError('23505');
    expect(asPlatformError(other)).toBe(other);
  });
});
