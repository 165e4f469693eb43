import { Injectable } from '@nestjs/common';
import { asc, count, eq, inArray } from 'drizzle-orm';
import type { AuditActor } from '../audit/audit-actor';
import { appendAudit } from '../audit/audit-log.repository';
import { ControlPlaneDatabase } from '../control-plane-database';
import { cells, placements } from '../schema/control-plane.schema';

export interface CellRecord {
  name: string;
  server: string;
  database: string;
  createdAt: Date;
}

export interface CellLoad extends CellRecord {
  /** Shared and schema tenants placed in the cell. */
  tenants: { shared: number; schema: number };
}

/** The main cell: the shared database every installation starts with, on the primary server. */
export const MAIN_CELL = 'main';

/** Shared cells (databases holding shared-tier rows and tenant schemas) and how many tenants each holds. */
@Injectable()
export class CellsRepository {
  constructor(private readonly database: ControlPlaneDatabase) {}

  async upsert(cell: { name: string; server: string; database: string }): Promise<CellRecord> {
    const [row] = await this.database.db
      .insert(cells)
      .values(cell)
      .onConflictDoUpdate({ target: cells.name, set: { name: cell.name } })
      .returning();
    return row!;
  }

  /** Registers a new cell (its database installed) and records `cell.create` in the same transaction. */
  async add(cell: { name: string; server: string; database: string }, by: AuditActor): Promise<CellRecord> {
    return this.database.db.transaction(async (tx) => {
      const [row] = await tx.insert(cells).values(cell).onConflictDoNothing().returning();
      if (!row) return (await tx.select().from(cells).where(eq(cells.name, cell.name)))[0]!;
      await appendAudit(tx, {
        actor: by.actor,
        action: 'cell.create',
        target: cell.name,
        outcome: 'succeeded',
        details: { server: cell.server, database: cell.database },
      });
      return row;
    });
  }

  async findByName(name: string): Promise<CellRecord | undefined> {
    const [row] = await this.database.db.select().from(cells).where(eq(cells.name, name));
    return row;
  }

  /** Every cell with its tenant counts, ordered by server then name. */
  async listWithLoad(): Promise<CellLoad[]> {
    const rows = await this.database.db.select().from(cells).orderBy(asc(cells.server), asc(cells.name));
    const usage = await this.database.db
      .select({ server: placements.server, database: placements.database, tier: placements.tier, tenants: count() })
      .from(placements)
      .where(inArray(placements.tier, ['shared', 'schema']))
      .groupBy(placements.server, placements.database, placements.tier);
    return rows.map((row) => {
      const tenants = { shared: 0, schema: 0 };
      for (const u of usage)
        if (u.server === row.server && u.database === row.database && u.tier !== 'database')
          tenants[u.tier] = u.tenants;
      return { ...row, tenants };
    });
  }
}
