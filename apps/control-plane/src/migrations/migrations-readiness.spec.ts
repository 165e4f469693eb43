import { Logger } from '@nestjs/common';
import { HealthIndicatorService } from '@nestjs/terminus';
import type { FleetStatus, MigrationStatusService } from '@switchyard/migrations';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { MigrationsReadiness } from './migrations-readiness';

const counts = (behind: number, failed: number) => ({ targets: behind + failed + 1, current: 1, behind, failed });
const fleetStatus = (behind: number, failed = 0) =>
  ({ latest: '0002_x', summary: { total: counts(behind, failed) } }) as unknown as FleetStatus;

function readiness(status: () => Promise<FleetStatus>) {
  const service = { status: vi.fn(status) };
  const subject = new MigrationsReadiness(service as unknown as MigrationStatusService, new HealthIndicatorService());
  return { service, readiness: subject };
}

describe('MigrationsReadiness', () => {
  const warn = vi.spyOn(Logger.prototype, 'warn').mockImplementation(() => undefined);
  afterEach(() => {
    vi.useRealTimers();
    warn.mockClear();
  });

  it('is up with { latest, behind, failed }, and computes the status at most every 30 s', async () => {
    vi.useFakeTimers();
    const { service, readiness: r } = readiness(async () => fleetStatus(3, 1));
    expect(await r.indicator()).toEqual({ migrations: { status: 'up', latest: '0002_x', behind: 3, failed: 1 } });
    await r.indicator();
    await r.warnIfBehind();
    const expected = /^4 targets behind the latest migration 0002_x \(1 failed.*switchyard migrate/;
    expect(warn).toHaveBeenCalledExactlyOnceWith(expect.stringMatching(expected));
    expect(service.status).toHaveBeenCalledTimes(1);
    vi.advanceTimersByTime(30_001);
    await r.indicator();
    expect(service.status).toHaveBeenCalledTimes(2);
  });

  it('stays up when the status cannot be computed, saying why', async () => {
    const { readiness: r } = readiness(async () => {
      throw new Error('connection refused');
    });
    expect(await r.indicator()).toEqual({ migrations: { status: 'up', error: 'connection refused' } });
    await expect(r.warnIfBehind()).resolves.toBeUndefined();
    expect(warn).toHaveBeenCalledWith(expect.stringContaining('could not tell'));
  });

  it('answers within a second when the status is slow, and shares one computation between probes', async () => {
    vi.useFakeTimers();
    let finish!: (status: FleetStatus) => void;
    const { service, readiness: r } = readiness(() => new Promise((resolve) => (finish = resolve)));
    const probes = Promise.all([r.indicator(), r.indicator()]);
    await vi.advanceTimersByTimeAsync(1_000);
    const [first] = await probes;
    expect(first.migrations).toMatchObject({ status: 'up', error: expect.stringMatching(/not computed within/) });
    expect(service.status).toHaveBeenCalledTimes(1);
    finish(fleetStatus(2));
    await vi.waitFor(async () => expect((await r.indicator()).migrations).toMatchObject({ behind: 2 }));
    expect(service.status).toHaveBeenCalledTimes(1);
  });
});
