import { Injectable } from '@nestjs/common';
import { asc, count, eq, sql } from 'drizzle-orm';
import { ControlPlaneDatabase } from '../control-plane-database';
import { placements, servers } from '../schema/control-plane.schema';

export interface ServerRecord {
  name: string;
  host: string;
  port: number;
  createdAt: Date;
}

export interface ServerUsage extends ServerRecord {
  tenants: { shared: number; schema: number; database: number };
}

@Injectable()
export class ServersRepository {
  constructor(private readonly database: ControlPlaneDatabase) {}

  async upsert(server: { name: string; host: string; port: number }): Promise<void> {
    await this.database.db
      .insert(servers)
      .values(server)
      .onConflictDoUpdate({ target: servers.name, set: { host: server.host, port: server.port } });
  }

  async findByName(name: string): Promise<ServerRecord | undefined> {
    const [row] = await this.database.db.select().from(servers).where(eq(servers.name, name));
    return row;
  }

  async listWithUsage(): Promise<ServerUsage[]> {
    const rows = await this.database.db.select().from(servers).orderBy(asc(servers.name));
    const usage = await this.database.db
      .select({ server: placements.server, tier: placements.tier, tenants: count() })
      .from(placements)
      .groupBy(placements.server, placements.tier)
      .orderBy(sql`1`);
    return rows.map((row) => {
      const tenants = { shared: 0, schema: 0, database: 0 };
      for (const u of usage) if (u.server === row.name) tenants[u.tier] = u.tenants;
      return { ...row, tenants };
    });
  }
}
