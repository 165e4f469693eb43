import { Injectable } from '@nestjs/common';
import { desc, eq, sql } from 'drizzle-orm';
import { singleRow } from '@switchyard/postgres';
import { auditText, type AuditActor } from '../audit/audit-actor';
import { appendAudit } from '../audit/audit-log.repository';
import { ControlPlaneDatabase } from '../control-plane-database';
import { migrationRuns, type RunStatus } from '../schema/control-plane.schema';

export interface MigrationRunRecord {
  id: string;
  status: RunStatus;
  options: unknown;
  requestedBy: string | null;
  startedAt: Date;
  heartbeatAt: Date;
  finishedAt: Date | null;
  targetsTotal: number;
  targetsDone: number;
  waves: unknown;
  summary: unknown;
  results: unknown;
  error: string | null;
}

@Injectable()
export class MigrationRunsRepository {
  constructor(private readonly database: ControlPlaneDatabase) {}

  /**
   * Starts a run, recorded as `migration.run` (the run id as target) in the same transaction: a run is
   * accepted with its record or not at all. How it ends is the run's own record (status, summary).
   */
  async insert(options: unknown, by: AuditActor): Promise<MigrationRunRecord> {
    return this.database.db.transaction(async (tx) => {
      const requestedBy = auditText(by.actor);
      const inserted = await tx.insert(migrationRuns).values({ status: 'running', options, requestedBy }).returning();
      const row = singleRow(inserted, 'inserted migration run');
      const entry = { actor: by.actor, action: 'migration.run', target: row.id, details: { options } };
      await appendAudit(tx, { ...entry, outcome: 'succeeded' });
      return row;
    });
  }

  async progress(id: string, targetsDone: number, targetsTotal: number, waves?: unknown): Promise<void> {
    await this.database.db
      .update(migrationRuns)
      .set({ targetsDone, targetsTotal, waves, heartbeatAt: sql`now()` })
      .where(eq(migrationRuns.id, id));
  }

  async finish(
    id: string,
    outcome: {
      status: RunStatus;
      summary?: unknown;
      results?: unknown;
      error?: string;
      targetsDone: number;
      targetsTotal: number;
      waves?: unknown;
    },
  ): Promise<void> {
    await this.database.db
      .update(migrationRuns)
      .set({ ...outcome, finishedAt: sql`now()`, heartbeatAt: sql`now()` })
      .where(eq(migrationRuns.id, id));
  }

  async findById(id: string): Promise<MigrationRunRecord | undefined> {
    const [row] = await this.database.db.select().from(migrationRuns).where(eq(migrationRuns.id, id));
    return row;
  }

  async recent(limit: number): Promise<MigrationRunRecord[]> {
    return this.database.db.select().from(migrationRuns).orderBy(desc(migrationRuns.startedAt)).limit(limit);
  }
}
