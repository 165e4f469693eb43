import { DomainError } from '@switchyard/errors';

/** A probe that never reports back (its request gave up before connecting) is replaced after `until`. */
type State = { kind: 'closed'; failures: number } | { kind: 'open' | 'probing'; until: number };

export interface BreakerSettings {
  /** Consecutive failures to reach a database that open its circuit. */
  failures: number;
  /** How long an open circuit refuses at once before letting one request probe. */
  openMs: number;
}

/**
 * One circuit per database a process routes to. A server or tenant database that is down or hanging
 * would make each of its requests wait for a connection until the timeout, and pile them up; after a few
 * consecutive failures to reach it, its circuit opens and its requests are refused at once (503) — its
 * tenants only, the rest of the fleet unaffected. After `openMs` one request probes it; success closes
 * the circuit, failure opens it again. It recovers by itself.
 */
export class CircuitBreakers {
  private readonly circuits = new Map<string, State>();

  constructor(
    private readonly settings: BreakerSettings,
    private readonly now: () => number = Date.now,
  ) {}

  /** Throws DATABASE_UNAVAILABLE while `key`'s circuit is open; lets one probe through when it is due. */
  check(key: string): void {
    const state = this.circuits.get(key);
    if (!state || state.kind === 'closed') return;
    if (this.now() >= state.until) {
      this.circuits.set(key, { kind: 'probing', until: this.now() + this.settings.openMs });
      return;
    }
    const retryAfterSeconds = state.kind === 'open' ? Math.max(1, Math.ceil((state.until - this.now()) / 1000)) : 1;
    throw new DomainError('DATABASE_UNAVAILABLE', 'The database of this tenant is unavailable', { retryAfterSeconds });
  }

  succeeded(key: string): void {
    if (this.circuits.has(key)) this.circuits.delete(key);
  }

  /** A failure to reach the database (not a failed statement: those say nothing about its health). */
  failed(key: string): void {
    const state = this.circuits.get(key) ?? { kind: 'closed', failures: 0 };
    const failures = state.kind === 'closed' ? state.failures + 1 : this.settings.failures;
    this.circuits.set(
      key,
      failures >= this.settings.failures
        ? { kind: 'open', until: this.now() + this.settings.openMs }
        : { kind: 'closed', failures },
    );
  }

  isOpen(key: string): boolean {
    return this.circuits.get(key)?.kind === 'open';
  }
}
