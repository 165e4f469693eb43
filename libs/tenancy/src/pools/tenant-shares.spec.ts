import { describe, expect, it } from 'vitest';
import { isDomainError } from '@switchyard/errors';
import { TenantShares } from './tenant-shares';

describe('TenantShares', () => {
  it('takes a free share at once, and none past the cap or ahead of a waiting request', async () => {
    const shares = new TenantShares();
    const first = shares.tryAcquire('cell', 'heavy', 1);
    expect(first).toBeTypeOf('function');
    expect(shares.tryAcquire('cell', 'heavy', 1)).toBeUndefined();
    const waiting = shares.acquire('cell', 'heavy', 1, 1_000);
    first!();
    const second = await waiting;
    expect(shares.tryAcquire('cell', 'heavy', 1)).toBeUndefined();
    expect(shares.tryAcquire('cell', 'neighbour', 1)).toBeTypeOf('function');
    second();
    expect(shares.holding('cell', 'heavy')).toBe(0);
  });

  it('lets a tenant hold up to its cap, and its next request wait for its own share', async () => {
    const shares = new TenantShares();
    const first = await shares.acquire('cell', 'heavy', 2, 1_000);
    await shares.acquire('cell', 'heavy', 2, 1_000);
    let third = false;
    const waiting = shares.acquire('cell', 'heavy', 2, 1_000).then((release) => {
      third = true;
      return release;
    });
    await Promise.resolve();
    expect(third).toBe(false);
    expect(shares.holding('cell', 'heavy')).toBe(2);
    first();
    const release = await waiting;
    expect(third).toBe(true);
    expect(shares.holding('cell', 'heavy')).toBe(2);
    release();
    expect(shares.holding('cell', 'heavy')).toBe(1);
  });

  it('keeps the neighbours out of a heavy tenant’s queue', async () => {
    const shares = new TenantShares();
    await shares.acquire('cell', 'heavy', 1, 1_000);
    void shares.acquire('cell', 'heavy', 1, 1_000).catch(() => undefined);
    const neighbour = await shares.acquire('cell', 'neighbour', 1, 1_000);
    expect(shares.holding('cell', 'neighbour')).toBe(1);
    neighbour();
  });

  it('answers a request that waited too long with a 503-class error, and forgets it', async () => {
    const shares = new TenantShares();
    const held = await shares.acquire('cell', 'heavy', 1, 1_000);
    const error = await shares.acquire('cell', 'heavy', 1, 20).catch((e: unknown) => e);
    expect(isDomainError(error, 'DATABASE_BUSY')).toBe(true);
    held();
    expect(shares.holding('cell', 'heavy')).toBe(0);
    const again = await shares.acquire('cell', 'heavy', 1, 20);
    again();
    again(); // a second release gives nothing back twice
    expect(shares.holding('cell', 'heavy')).toBe(0);
  });
});
