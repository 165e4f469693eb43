import { type OnApplicationShutdown } from '@nestjs/common';
import { drizzle, type NodePgDatabase } from 'drizzle-orm/node-postgres';
import { createResilientPool, endPool } from '@switchyard/postgres';
import type { Pool } from 'pg';
import * as schema from './schema/control-plane.schema';

export type ControlPlaneDrizzle = NodePgDatabase<typeof schema>;

/**
 * The connection to the control-plane database. Admin processes (control-plane API, CLI) connect as
 * the owner; the tenant API connects as the application role, which is granted SELECT only, so a
 * tenant-facing process cannot change a placement even if it wanted to.
 */
export class ControlPlaneDatabase implements OnApplicationShutdown {
  readonly db: ControlPlaneDrizzle;

  constructor(readonly pool: Pool) {
    this.db = drizzle(pool, { schema });
  }

  static connect(url: string, options: { max?: number; connectTimeoutMs?: number } = {}): ControlPlaneDatabase {
    const pool = createResilientPool(
      {
        connectionString: url,
        max: options.max ?? 5,
        application_name: 'switchyard-control-plane',
        idleTimeoutMillis: 30_000,
        // A control plane that does not answer fails the request (503), it does not hang it.
        connectionTimeoutMillis: options.connectTimeoutMs,
      },
      'control-plane pool',
    );
    return new ControlPlaneDatabase(pool);
  }

  /** Last, after background work has stopped (it may still write here while it winds down). */
  async onApplicationShutdown(): Promise<void> {
    await endPool(this.pool);
  }
}
