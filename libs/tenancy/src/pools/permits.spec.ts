import { describe, expect, it } from 'vitest';
import { Permits } from './permits';

const busy = () => new Error('busy');

describe('Permits', () => {
  it('hands out up to its limit, then queues first come, first served', async () => {
    const permits = new Permits(1);
    const first = await permits.acquire(1_000, busy);
    const order: string[] = [];
    const a = permits.acquire(1_000, busy).then((release) => (order.push('a'), release));
    const b = permits.acquire(1_000, busy).then((release) => (order.push('b'), release));
    expect(permits.waiting).toBe(2);
    first();
    (await a)();
    (await b)();
    expect(order).toEqual(['a', 'b']);
    expect(permits.inUse).toBe(0);
  });

  it('rejects a waiter after its wait, without losing a permit', async () => {
    const permits = new Permits(1);
    const held = await permits.acquire(1_000, busy);
    await expect(permits.acquire(10, busy)).rejects.toThrow('busy');
    expect(permits.waiting).toBe(0);
    held();
    held(); // a second release gives nothing back twice
    expect(permits.inUse).toBe(0);
    expect(permits.tryAcquire()).toBeDefined();
    expect(permits.tryAcquire()).toBeUndefined();
  });

  it('tells the caller it queued, and admits waiters when it grows', async () => {
    const permits = new Permits(0);
    let queued = 0;
    const waiting = permits.acquire(1_000, busy, () => queued++);
    expect(queued).toBe(1);
    permits.resize(1);
    (await waiting)();
    expect(permits.inUse).toBe(0);
  });
});
