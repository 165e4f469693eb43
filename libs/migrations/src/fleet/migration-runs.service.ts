import { Injectable, Logger } from '@nestjs/common';
import {
  MigrationRunsRepository,
  SYSTEM_ACTOR,
  type AuditActor,
  type MigrationRunRecord,
} from '@switchyard/control-plane';
import { DomainError } from '@switchyard/errors';
import { bestEffort } from '@switchyard/postgres';
import type { FleetProgress, FleetReport } from './fleet-report';
import { FleetMigrationService, type FleetRunOptions } from './fleet-migration.service';
import { FleetTargets } from './fleet-targets';

const PROGRESS_EVERY_MS = 500;

/**
 * Fleet runs as durable records in the control plane: what was asked, by whom, progress with a
 * heartbeat (a run whose heartbeat stops was interrupted), and the final summary per tier and target.
 */
@Injectable()
export class MigrationRunsService {
  private readonly logger = new Logger(MigrationRunsService.name);

  constructor(
    private readonly fleet: FleetMigrationService,
    private readonly runs: MigrationRunsRepository,
    private readonly targets: FleetTargets,
  ) {}

  /**
   * Refuses unknown tenants, then records the run — and `migration.run` in the audit trail, in the
   * same transaction. The run is accepted from here on; how it ends is its own record.
   */
  async accept(options: FleetRunOptions, by: AuditActor = SYSTEM_ACTOR): Promise<MigrationRunRecord> {
    await this.targets.assertTenantsExist(options.tenants);
    return this.runs.insert(options, by);
  }

  /** Carries an accepted run out to the end and returns the report (CLI). */
  async execute(
    run: MigrationRunRecord,
    options: FleetRunOptions,
    onProgress?: (p: FleetProgress) => void,
  ): Promise<{ run: MigrationRunRecord; report: FleetReport }> {
    const report = await this.drive(run.id, options, onProgress);
    return { run: (await this.runs.findById(run.id))!, report };
  }

  /** Accepts a run and carries it out in the background, returning its record at once (HTTP 202). */
  async start(options: FleetRunOptions, by: AuditActor = SYSTEM_ACTOR): Promise<MigrationRunRecord> {
    const run = await this.accept(options, by);
    void this.drive(run.id, options).catch((error: unknown) =>
      this.logger.error(`run ${run.id}: ${error instanceof Error ? error.message : error}`),
    );
    return run;
  }

  async get(id: string): Promise<MigrationRunRecord> {
    const run = await this.runs.findById(id);
    if (!run) throw new DomainError('MIGRATION_RUN_NOT_FOUND', `No migration run ${id}`);
    return run;
  }

  recent(limit = 20): Promise<MigrationRunRecord[]> {
    return this.runs.recent(limit);
  }

  private async drive(
    id: string,
    options: FleetRunOptions,
    onProgress?: (p: FleetProgress) => void,
  ): Promise<FleetReport> {
    let lastWrite = 0;
    let latest: FleetProgress = { wave: 'shared', done: 0, total: 0, failed: 0, waves: [] };
    try {
      const report = await this.fleet.run(options, (progress) => {
        latest = progress;
        onProgress?.(progress);
        if (Date.now() - lastWrite >= PROGRESS_EVERY_MS) {
          lastWrite = Date.now();
          void bestEffort(this.logger, `progress of migration run ${id}`, () =>
            this.runs.progress(id, progress.done, progress.total, progress.waves),
          );
        }
      });
      await this.runs.finish(id, {
        status: report.ok ? 'succeeded' : 'failed',
        summary: {
          ...report.summary,
          stoppedByCanary: report.stoppedByCanary,
          latest: report.latest,
          controlPlane: report.controlPlane,
          dryRun: report.dryRun,
        },
        results: report.targets,
        targetsDone: report.targets.length,
        targetsTotal: report.targets.length,
        waves: latest.waves,
      });
      return report;
    } catch (error) {
      await this.runs.finish(id, {
        status: 'failed',
        error: error instanceof Error ? error.message : String(error),
        targetsDone: latest.done,
        targetsTotal: latest.total,
        waves: latest.waves,
      });
      throw error;
    }
  }
}
