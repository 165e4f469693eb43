import { Client, Query } from 'pg';
import { describe, expect, it } from 'vitest';
import { assertPgInternals } from './pg-internals';

describe('pg internals', () => {
  it('are all there in the pinned pg', () => {
    expect(() => assertPgInternals()).not.toThrow();
  });

  it('are reported by name when a pg upgrade moves them', () => {
    const prototype = Object.create(Query.prototype) as Record<string, unknown>;
    prototype.hasBeenParsed = undefined;
    const connection = {
      ...(new Client() as unknown as { connection: object }).connection,
      parsedStatements: undefined,
    };
    expect(() => assertPgInternals(prototype, connection)).toThrow(
      /Query\.prototype\.hasBeenParsed.*Connection\.parsedStatements/,
    );
  });
});
