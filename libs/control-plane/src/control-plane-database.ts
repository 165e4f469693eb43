import { type OnModuleDestroy } from '@nestjs/common';
import { drizzle, type NodePgDatabase } from 'drizzle-orm/node-postgres';
import { Pool } from 'pg';
import * as schema from './schema/control-plane.schema';

export type ControlPlaneDrizzle = NodePgDatabase<typeof schema>;

/**
 * The connection to the control-plane database. Admin processes (control-plane API, CLI) connect as
 * the owner; the tenant API connects as the application role, which is granted SELECT only, so a
 * tenant-facing process cannot change a placement even if it wanted to.
 */
export class ControlPlaneDatabase implements OnModuleDestroy {
  readonly db: ControlPlaneDrizzle;

  constructor(readonly pool: Pool) {
    this.db = drizzle(pool, { schema });
  }

  static connect(url: string, max = 5): ControlPlaneDatabase {
    return new ControlPlaneDatabase(
      new Pool({ connectionString: url, max, application_name: 'switchyard-control-plane', idleTimeoutMillis: 30_000 }),
    );
  }

  async onModuleDestroy(): Promise<void> {
    await this.pool.end();
  }
}
