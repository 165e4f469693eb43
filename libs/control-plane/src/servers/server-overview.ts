import { Injectable } from '@nestjs/common';
import { SwitchyardConfig } from '@switchyard/config';
import { withOwnerClient } from '@switchyard/postgres';
import { CellsRepository, type CellLoad } from '../cells/cells.repository';
import { TenantsRepository } from '../tenants/tenants.repository';
import { ServerDirectory } from './server-directory';
import { ServersRepository, type ServerUsage } from './servers.repository';

export interface ServerOverview extends ServerUsage {
  cells: CellLoad[];
  /** Read from the server itself; null when it cannot be reached now. */
  live: {
    maxConnections: number;
    /** Connections of this installation's application role (every process), and of anyone. */
    connections: { application: number; total: number };
    /** Bytes of this installation's databases on the server (cells, tenant databases, template). */
    bytes: number;
  } | null;
}

/**
 * Per registered server: its cells, its tenants per tier, and — asked of the server — its connections
 * in use and the size of this installation's databases on it. A server that is down is listed with
 * `live: null` rather than failing the whole list.
 */
@Injectable()
export class ServerOverviews {
  constructor(
    private readonly config: SwitchyardConfig,
    private readonly servers: ServersRepository,
    private readonly cells: CellsRepository,
    private readonly tenants: TenantsRepository,
    private readonly directory: ServerDirectory,
  ) {}

  async list(): Promise<ServerOverview[]> {
    const [servers, cells, tenants] = await Promise.all([
      this.servers.listWithUsage(),
      this.cells.listWithLoad(),
      this.tenants.all(),
    ]);
    return Promise.all(
      servers.map(async (server) => {
        const databases = new Set([
          this.config.names.templateDatabase,
          ...cells.filter((c) => c.server === server.name).map((c) => c.database),
          ...tenants.filter((t) => t.placement.server === server.name).map((t) => t.placement.database),
        ]);
        return {
          ...server,
          cells: cells.filter((c) => c.server === server.name),
          live: await this.live(server.name, [...databases]).catch(() => null),
        };
      }),
    );
  }

  private async live(server: string, databases: string[]): Promise<ServerOverview['live']> {
    if (!this.directory.names().includes(server)) return null;
    return withOwnerClient(
      this.directory.maintenanceUrl(server),
      async (client) => {
        const { rows } = await client.query<{ max: number; application: number; total: number; bytes: string }>(
          `SELECT current_setting('max_connections')::int AS max,
                  count(*) FILTER (WHERE usename = $1)::int AS application,
                  count(*) FILTER (WHERE backend_type = 'client backend')::int AS total,
                  (SELECT coalesce(sum(pg_database_size(datname)), 0) FROM pg_database WHERE datname = ANY($2))::text AS bytes
           FROM pg_stat_activity`,
          [this.config.names.appRole, databases],
        );
        const row = rows[0]!;
        return {
          maxConnections: row.max,
          connections: { application: row.application, total: row.total },
          bytes: Number(row.bytes),
        };
      },
      { connectionTimeoutMillis: this.config.pools.connectTimeoutMs },
    );
  }
}
