import { describe, expect, it } from 'vitest';
import { CircuitBreakers } from './circuit-breakers';

describe('CircuitBreakers', () => {
  const setup = () => {
    let now = 0;
    const sut = new CircuitBreakers({ failures: 3, openMs: 1_000 }, () => now);
    return { sut, advance: (ms: number) => (now += ms) };
  };

  it('opens after consecutive failures and refuses at once, with a Retry-After', () => {
    const { sut } = setup();
    sut.failed('db');
    sut.failed('db');
    expect(() => sut.check('db')).not.toThrow();
    sut.failed('db');
    expect(() => sut.check('db')).toThrow(
      expect.objectContaining({ code: 'DATABASE_UNAVAILABLE', details: { retryAfterSeconds: 1 } }),
    );
    expect(() => sut.check('other')).not.toThrow();
  });

  it('a success in between resets the count', () => {
    const { sut } = setup();
    sut.failed('db');
    sut.failed('db');
    sut.succeeded('db');
    sut.failed('db');
    expect(() => sut.check('db')).not.toThrow();
  });

  it('lets one probe through when the time is up: success closes, failure opens again', () => {
    const { sut, advance } = setup();
    for (let i = 0; i < 3; i++) sut.failed('db');
    advance(1_000);
    expect(() => sut.check('db')).not.toThrow(); // the probe
    expect(() => sut.check('db')).toThrow(); // others wait while it probes
    sut.failed('db');
    expect(sut.isOpen('db')).toBe(true);
    advance(1_000);
    sut.check('db');
    sut.succeeded('db');
    expect(() => sut.check('db')).not.toThrow();
    expect(sut.isOpen('db')).toBe(false);
  });

  it('lets another probe through when a probe never reports back', () => {
    const { sut, advance } = setup();
    for (let i = 0; i < 3; i++) sut.failed('db');
    advance(1_000);
    sut.check('db'); // a probe whose request gave up before it reached the database
    expect(() => sut.check('db')).toThrow();
    advance(1_000);
    expect(() => sut.check('db')).not.toThrow();
  });
});
