import { Injectable, Logger } from '@nestjs/common';
import { HealthIndicatorService, type HealthIndicatorResult } from '@nestjs/terminus';
import { MigrationStatusService } from '@switchyard/migrations';

/** Readiness probes come every few seconds; the fleet status changes only when someone migrates. */
const STATUS_TTL_MS = 30_000;
/** A probe waits at most this long for a fresh status, then answers with what it already knows. */
const STATUS_WAIT_MS = 1_000;

export interface MigrationsSummary {
  latest: string | null;
  /** Targets missing a migration that no run has tried on them yet. */
  behind: number;
  /** Targets whose last attempt at a pending migration failed. */
  failed: number;
}

const errorMessage = (error: unknown) => (error instanceof Error ? error.message : String(error));

/**
 * Whether tenant targets (shared, template, schema, database) are behind the latest tenant migration,
 * for `GET /health/ready` and the start-up warning. Being behind is information, not unreadiness: only
 * `switchyard migrate` advances targets, and they serve at their version until then. Computed from the
 * control-plane ledger (no target is contacted) at most every 30 s.
 */
@Injectable()
export class MigrationsReadiness {
  private readonly logger = new Logger('Migrations');
  private cached?: { summary: MigrationsSummary; at: number };
  private refreshing?: Promise<MigrationsSummary>;

  constructor(
    private readonly status: MigrationStatusService,
    private readonly indicators: HealthIndicatorService,
  ) {}

  /** Always up: failing to compute the status must not take the control plane out of rotation. */
  async indicator(key = 'migrations'): Promise<HealthIndicatorResult> {
    const indicator = this.indicators.check(key);
    try {
      return indicator.up({ ...(await this.summary(STATUS_WAIT_MS)) });
    } catch (error) {
      // An unreachable control-plane database is reported by its own ping; here only say what is known.
      return indicator.up({ ...this.cached?.summary, error: errorMessage(error) });
    }
  }

  /** Logs one warning when targets are behind (or cannot be checked); never fails start-up. */
  async warnIfBehind(): Promise<void> {
    try {
      const { latest, behind, failed } = await this.summary();
      const total = behind + failed;
      if (total === 0) return;
      const targets = `${total} target${total === 1 ? '' : 's'}`;
      const failures = failed ? ` (${failed} failed their last attempt)` : '';
      this.logger.warn(
        `${targets} behind the latest migration ${latest}${failures}; ` +
          'run `switchyard migrate` (`switchyard migrate status` lists them)',
      );
    } catch (error) {
      this.logger.warn(`could not tell whether tenant targets are behind the latest migration: ${errorMessage(error)}`);
    }
  }

  private async summary(waitMs?: number): Promise<MigrationsSummary> {
    if (this.cached && Date.now() - this.cached.at < STATUS_TTL_MS) return this.cached.summary;
    // One computation at a time, however many probes arrive meanwhile.
    this.refreshing ??= this.compute().finally(() => (this.refreshing = undefined));
    if (waitMs === undefined) return this.refreshing;
    let timer: NodeJS.Timeout | undefined;
    const late = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`migration status not computed within ${waitMs} ms`)), waitMs);
    });
    try {
      return await Promise.race([this.refreshing, late]);
    } finally {
      clearTimeout(timer);
    }
  }

  private async compute(): Promise<MigrationsSummary> {
    const status = await this.status.status();
    const summary = { latest: status.latest, behind: status.summary.total.behind, failed: status.summary.total.failed };
    this.cached = { summary, at: Date.now() };
    return summary;
  }
}
