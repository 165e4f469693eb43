import { describe, expect, it } from 'vitest';
import type { ClientBase } from 'pg';
import { inTransaction } from './transaction';

/** A stand-in recording what the helper sends; the helper's contract is the statements and the ending. */
function recorder(options: { failOn?: string } = {}) {
  const sent: string[] = [];
  let ended = false;
  const client = {
    query: async (text: string) => {
      sent.push(text);
      if (options.failOn && text.startsWith(options.failOn)) throw new Error(`${text} failed`);
      return { rows: [] };
    },
    end: async () => {
      ended = true;
    },
  } as unknown as ClientBase;
  return { client, sent, ended: () => ended };
}

describe('inTransaction', () => {
  it('opens with the isolation level and access mode asked for, and commits', async () => {
    const { client, sent } = recorder();
    expect(await inTransaction(client, async () => 42, { isolation: 'repeatable read', readOnly: true })).toBe(42);
    expect(sent).toEqual(['BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY', 'COMMIT']);
  });

  it('rolls back and rethrows the work’s own error', async () => {
    const { client, sent, ended } = recorder();
    await expect(inTransaction(client, () => Promise.reject(new Error('boom')))).rejects.toThrow('boom');
    expect(sent).toEqual(['BEGIN', 'ROLLBACK']);
    expect(ended()).toBe(false);
  });

  it('ends a connection whose rollback failed, and still rethrows the work’s error', async () => {
    const { client, ended } = recorder({ failOn: 'ROLLBACK' });
    await expect(inTransaction(client, () => Promise.reject(new Error('boom')))).rejects.toThrow('boom');
    expect(ended()).toBe(true);
  });
});
