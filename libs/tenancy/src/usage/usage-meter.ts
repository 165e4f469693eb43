import { Injectable, Logger, type OnApplicationShutdown } from '@nestjs/common';
import { SwitchyardConfig } from '@switchyard/config';
import { TenantUsageRepository, type UsageSample } from '@switchyard/control-plane';
import { bestEffort } from '@switchyard/postgres';

/** Samples kept while the control plane cannot be written to; beyond this, the oldest minutes go. */
const MAX_PENDING = 50_000;

/**
 * Counts each tenant's usage in this process — requests answered, server errors (5xx), database time
 * and rows touched — by minute, and adds it to the control plane every USAGE_FLUSH_MS. Tenant ids go
 * to the control plane only, never into metric labels. A failed write is kept for the next one (up to
 * a bound) and logged; usage never fails a request.
 */
@Injectable()
export class UsageMeter implements OnApplicationShutdown {
  private readonly logger = new Logger(UsageMeter.name);
  private pending = new Map<string, UsageSample>();
  /** This minute's pending sample per tenant: the per-request path without building a key. */
  private current = new Map<string, UsageSample>();
  private currentMinute = 0;
  private readonly timer: NodeJS.Timeout;

  constructor(
    config: SwitchyardConfig,
    private readonly usage: TenantUsageRepository,
  ) {
    this.timer = setInterval(() => void this.flush(), config.usageFlushMs).unref();
  }

  request(tenantId: string, status: number): void {
    const sample = this.sample(tenantId);
    sample.requests++;
    if (status >= 500) sample.errors++;
  }

  database(tenantId: string, ms: number, rows: number): void {
    const sample = this.sample(tenantId);
    sample.dbMs += ms;
    sample.rows += rows;
  }

  /** Writes what was counted so far (also on shutdown). */
  async flush(): Promise<void> {
    if (!this.pending.size) return;
    const batch = this.pending;
    this.pending = new Map();
    this.current = new Map();
    const samples = [...batch.values()].map((s) => ({ ...s, dbMs: Math.round(s.dbMs) }));
    const written = await bestEffort(this.logger, 'writing tenant usage', async () => {
      await this.usage.add(samples);
      return true;
    });
    if (!written) this.keep(batch);
  }

  async onApplicationShutdown(): Promise<void> {
    clearInterval(this.timer);
    await this.flush();
  }

  private sample(tenantId: string): UsageSample {
    const minute = Math.floor(Date.now() / 60_000) * 60_000;
    if (minute !== this.currentMinute) {
      this.currentMinute = minute;
      this.current = new Map();
    }
    const known = this.current.get(tenantId);
    if (known) return known;
    const key = `${tenantId}|${minute}`;
    let sample = this.pending.get(key);
    if (!sample) {
      sample = { tenantId, minute: new Date(minute), requests: 0, errors: 0, dbMs: 0, rows: 0 };
      this.pending.set(key, sample);
    }
    this.current.set(tenantId, sample);
    return sample;
  }

  /** Puts back samples that could not be written, merged with those counted meanwhile. */
  private keep(batch: Map<string, UsageSample>): void {
    for (const [key, old] of batch) {
      const now = this.pending.get(key);
      if (!now) this.pending.set(key, old);
      else {
        now.requests += old.requests;
        now.errors += old.errors;
        now.dbMs += old.dbMs;
        now.rows += old.rows;
      }
    }
    for (const key of this.pending.keys()) {
      if (this.pending.size <= MAX_PENDING) break;
      this.pending.delete(key);
    }
    // A sample just dropped may be this minute's: look them up again.
    this.current = new Map();
  }
}
