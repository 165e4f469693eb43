import { Injectable, Logger } from '@nestjs/common';
import { SwitchyardConfig } from '@switchyard/config';
import { controlPlaneUrl, TenantsRepository } from '@switchyard/control-plane';
import { MigrationRunner, type TargetPlan, type TargetResult } from '../migration-runner';
import { MigrationSets } from '../migration-sets';
import { runBounded } from './bounded';
import { summarise, type FleetProgress, type FleetReport, type TargetReport } from './fleet-report';
import { FleetTargets, type FleetTarget, type TargetFilter } from './fleet-targets';

export interface FleetRunOptions extends TargetFilter {
  /** Targets migrated at once (default MIGRATION_CONCURRENCY); per server, MIGRATION_SERVER_CONCURRENCY. */
  concurrency?: number;
  /** Migrate this many tenant targets first; if any fails, skip the rest. */
  canary?: number;
  /** List targets × pending migrations; change nothing. */
  dryRun?: boolean;
}

/**
 * Applies the tenant migration set across the fleet in waves: the control plane, then shared and
 * template databases, then `canary` tenant targets, then the rest — with bounded concurrency overall
 * and per server. A failing target is recorded and the run goes on (I7); a re-run applies only what is
 * missing and retries what failed.
 */
@Injectable()
export class FleetMigrationService {
  private readonly logger = new Logger(FleetMigrationService.name);

  constructor(
    private readonly config: SwitchyardConfig,
    private readonly targets: FleetTargets,
    private readonly runner: MigrationRunner,
    private readonly sets: MigrationSets,
    private readonly tenants: TenantsRepository,
  ) {}

  async run(
    options: FleetRunOptions = {},
    onProgress: (progress: FleetProgress) => void = () => undefined,
  ): Promise<FleetReport> {
    const dryRun = options.dryRun ?? false;
    await this.targets.assertTenantsExist(options.tenants);
    const controlPlane = dryRun
      ? []
      : await this.runner.migrateControlPlane(controlPlaneUrl(this.config), this.sets.get('control-plane'));
    const set = this.sets.get('tenant');
    const all = await this.targets.list(options);
    const shared = all.filter((t) => t.kind === 'shared' || t.kind === 'template');
    const tenantTargets = all.filter((t) => t.kind === 'schema' || t.kind === 'database');
    const canarySize = Math.min(options.canary ?? 0, tenantTargets.length);
    const waves: [FleetProgress['wave'], FleetTarget[]][] = [
      ['shared', shared],
      ['canary', tenantTargets.slice(0, canarySize)],
      ['rest', tenantTargets.slice(canarySize)],
    ];
    const reports: TargetReport[] = [];
    const progress = waves.map(([wave, targets]) => ({ wave, done: 0, total: targets.length, failed: 0 }));
    let failed = 0;
    let stoppedByCanary = false;
    for (const [index, [wave, targets]] of waves.entries()) {
      if (stoppedByCanary) {
        reports.push(...targets.map((t) => this.report(t, 'skipped', { applied: [], pending: [], version: null })));
        continue;
      }
      const waveReports = await runBounded(
        targets,
        {
          overall: options.concurrency ?? this.config.migrations.concurrency,
          perKey: this.config.migrations.serverConcurrency,
          key: (t) => t.server,
        },
        async (target) => {
          const report = dryRun
            ? this.fromPlan(target, await this.runner.planTarget(target, set))
            : await this.migrate(target, set);
          reports.push(report);
          const counts = progress[index]!;
          counts.done++;
          if (report.outcome === 'failed') {
            failed++;
            counts.failed++;
          }
          onProgress({
            wave,
            done: reports.length,
            total: all.length,
            failed,
            waves: progress.map((w) => ({ ...w })),
            last: report,
          });
          return report;
        },
      );
      if (wave === 'canary' && waveReports.some((r) => r.outcome === 'failed')) {
        stoppedByCanary = true;
        this.logger.warn('canary wave failed: skipping the remaining targets');
      }
    }
    const byKey = new Map(reports.map((r) => [r.key, r]));
    const ordered = all.map((t) => byKey.get(t.key)!);
    return {
      dryRun,
      latest: set.latest,
      controlPlane,
      targets: ordered,
      summary: summarise(ordered),
      stoppedByCanary,
      ok: ordered.every((r) => r.outcome !== 'failed' && r.outcome !== 'skipped'),
    };
  }

  private async migrate(target: FleetTarget, set: ReturnType<MigrationSets['get']>): Promise<TargetReport> {
    const result: TargetResult = await this.runner.migrateTarget(target, set);
    if (target.tenantId && result.version && result.applied.length)
      await this.tenants.setSchemaVersion(target.tenantId, result.version);
    const outcome = result.error ? 'failed' : result.applied.length ? 'applied' : 'current';
    const held = set.files.findIndex((f) => f.name === result.version);
    const pending = set.files.slice(held + 1).map((f) => f.name);
    return this.report(target, outcome, {
      applied: result.applied,
      pending: result.error ? pending : [],
      version: result.version,
      error: result.error,
    });
  }

  private fromPlan(target: FleetTarget, plan: TargetPlan): TargetReport {
    return this.report(target, plan.error ? 'failed' : plan.pending.length ? 'planned' : 'current', {
      applied: plan.pending,
      pending: plan.pending,
      version: plan.version,
      error: plan.error,
    });
  }

  private report(
    target: FleetTarget,
    outcome: TargetReport['outcome'],
    details: {
      applied: string[];
      pending: string[];
      version: string | null;
      error?: { code: string; message: string };
    },
  ): TargetReport {
    return {
      key: target.key,
      kind: target.kind,
      tier: target.tier,
      tenant: target.tenantSlug,
      server: target.server,
      database: target.database,
      schema: target.schema,
      outcome,
      applied: details.applied,
      pending: details.pending,
      version: details.version,
      ...(details.error ? { error: details.error.message, errorCode: details.error.code } : {}),
    };
  }
}
