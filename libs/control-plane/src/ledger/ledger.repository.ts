import { Injectable } from '@nestjs/common';
import { and, eq, sql } from 'drizzle-orm';
import { ControlPlaneDatabase } from '../control-plane-database';
import { migrationLedger, type LedgerStatus, type Tier } from '../schema/control-plane.schema';

export interface LedgerTarget {
  key: string;
  tier: Tier;
  tenantId: string | null;
  server: string;
  database: string;
  schema: string;
}

export interface LedgerEntry {
  migration: string;
  checksum: string;
  status: LedgerStatus;
  startedAt: Date;
  finishedAt: Date | null;
  durationMs: number | null;
  error: string | null;
}

const entryColumns = {
  migration: migrationLedger.migration,
  checksum: migrationLedger.checksum,
  status: migrationLedger.status,
  startedAt: migrationLedger.startedAt,
  finishedAt: migrationLedger.finishedAt,
  durationMs: migrationLedger.durationMs,
  error: migrationLedger.error,
};

@Injectable()
export class LedgerRepository {
  constructor(private readonly database: ControlPlaneDatabase) {}

  /** Records (or re-records) the outcome of one migration on one target. */
  async record(target: LedgerTarget, entry: LedgerEntry): Promise<void> {
    const values = {
      target: target.key,
      tier: target.tier,
      tenantId: target.tenantId,
      server: target.server,
      database: target.database,
      schema: target.schema,
      ...entry,
    };
    await this.database.db
      .insert(migrationLedger)
      .values(values)
      .onConflictDoUpdate({
        target: [migrationLedger.target, migrationLedger.migration],
        set: {
          checksum: sql`excluded.checksum`,
          status: sql`excluded.status`,
          startedAt: sql`excluded.started_at`,
          finishedAt: sql`excluded.finished_at`,
          durationMs: sql`excluded.duration_ms`,
          error: sql`excluded.error`,
          database: sql`excluded.database`,
          schema: sql`excluded.schema`,
          server: sql`excluded.server`,
        },
      });
  }

  async entriesFor(targetKey: string): Promise<LedgerEntry[]> {
    return this.database.db
      .select(entryColumns)
      .from(migrationLedger)
      .where(eq(migrationLedger.target, targetKey))
      .orderBy(migrationLedger.migration);
  }

  /** Every ledger row, grouped by target: the fleet status in one query. */
  async allByTarget(): Promise<Map<string, LedgerEntry[]>> {
    const rows = await this.database.db
      .select({ target: migrationLedger.target, ...entryColumns })
      .from(migrationLedger)
      .orderBy(migrationLedger.target, migrationLedger.migration);
    const byTarget = new Map<string, LedgerEntry[]>();
    for (const { target, ...entry } of rows) {
      const list = byTarget.get(target) ?? [];
      list.push(entry);
      byTarget.set(target, list);
    }
    return byTarget;
  }

  async forgetTarget(targetKey: string): Promise<void> {
    await this.database.db.delete(migrationLedger).where(eq(migrationLedger.target, targetKey));
  }

  async forgetMigration(targetKey: string, migration: string): Promise<void> {
    await this.database.db
      .delete(migrationLedger)
      .where(and(eq(migrationLedger.target, targetKey), eq(migrationLedger.migration, migration)));
  }
}
