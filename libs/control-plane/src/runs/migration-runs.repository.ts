import { Injectable } from '@nestjs/common';
import { desc, eq, sql } from 'drizzle-orm';
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
  summary: unknown;
  results: unknown;
  error: string | null;
}

@Injectable()
export class MigrationRunsRepository {
  constructor(private readonly database: ControlPlaneDatabase) {}

  async insert(options: unknown, requestedBy: string | null): Promise<MigrationRunRecord> {
    const [row] = await this.database.db.insert(migrationRuns).values({ status: 'running', options, requestedBy }).returning();
    return row;
  }

  async progress(id: string, targetsDone: number, targetsTotal: number): Promise<void> {
    await this.database.db
      .update(migrationRuns)
      .set({ targetsDone, targetsTotal, heartbeatAt: sql`now()` })
      .where(eq(migrationRuns.id, id));
  }

  async finish(id: string, outcome: { status: RunStatus; summary?: unknown; results?: unknown; error?: string; targetsDone: number; targetsTotal: number }): Promise<void> {
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
