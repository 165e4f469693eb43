import { describe, expect, it } from 'vitest';
import { TenantContext } from './tenant-context';

const A = '7b0a4cf3-4bb5-4d8e-9d1c-8f4a4c3f2b10';
const B = '0c6f8f3e-2d5b-4a8e-9a61-5b7f3c2d1e00';

describe('TenantContext', () => {
  it('carries the tenant a guard enters into everything the request does after, and no further', async () => {
    const sut = new TenantContext();
    const seen: (string | undefined)[] = [];
    await new Promise<void>((done) =>
      sut.requestScope(undefined, undefined, () => {
        seen.push(sut.tenantId());
        sut.enter(A);
        void Promise.resolve()
          .then(() => new Promise((r) => setImmediate(r)))
          .then(() => {
            seen.push(sut.tenantId());
            done();
          });
      }),
    );
    expect(seen).toEqual([undefined, A]);
    expect(sut.tenantId()).toBeUndefined();
  });

  it('keeps concurrent requests apart', async () => {
    const sut = new TenantContext();
    // A enters first and reads its tenant only after B has entered and read B's: interleaved requests.
    let releaseA!: () => void;
    const bEntered = new Promise<void>((resolve) => (releaseA = resolve));
    const request = (tenant: string, before: Promise<void>, after: () => void) =>
      new Promise<string | undefined>((done) =>
        sut.requestScope(undefined, undefined, () => {
          sut.enter(tenant);
          void before.then(() => {
            const seen = sut.tenantId();
            after();
            done(seen);
          });
        }),
      );
    const a = request(A, bEntered, () => undefined);
    const b = request(B, Promise.resolve(), releaseA);
    expect(await Promise.all([a, b])).toEqual([A, B]);
  });

  it('refuses to enter a tenant outside a request scope or over another tenant', () => {
    const sut = new TenantContext();
    expect(() => sut.enter(A)).toThrow(/No tenant scope/);
    sut.requestScope(undefined, undefined, () => {
      sut.enter(A);
      sut.enter(A);
      expect(() => sut.enter(B)).toThrow(/another tenant/);
      expect(sut.tenantId()).toBe(A);
    });
  });
});
