import { Injectable } from '@nestjs/common';
import { SwitchyardConfig } from '@switchyard/config';
import { ServerDirectory } from '@switchyard/control-plane';
import { asPlatformError, singleRow, withOwnerClient } from '@switchyard/postgres';
import { Permits } from './permits';

/**
 * The connection budget of this process, per server: every pool to the server — its shared cells and
 * every tenant database on it — opens connections only with one of its permits. The size is
 * CONNECTION_BUDGET, or derived from the server on first use:
 * (max_connections − superuser_reserved_connections − CONNECTION_RESERVE) / APP_INSTANCES.
 */
@Injectable()
export class ConnectionBudgets {
  private readonly budgets = new Map<string, Promise<Permits>>();

  constructor(
    private readonly config: SwitchyardConfig,
    private readonly servers: ServerDirectory,
  ) {}

  /** The permits of `server`; `database` is one the application role may connect to, to size them. */
  of(server: string, database: string): Promise<Permits> {
    let budget = this.budgets.get(server);
    if (!budget) {
      budget = this.size(server, database).then((limit) => new Permits(limit));
      // A server that cannot be asked now (down) is asked again by the next connection.
      budget.catch(() => this.budgets.delete(server));
      this.budgets.set(server, budget);
    }
    return budget;
  }

  /** Permits per server: the limit and how many are in use (for /v1/servers, metrics and tests). */
  async usage(): Promise<{ server: string; limit: number; inUse: number; waiting: number }[]> {
    const settled = await Promise.allSettled(
      [...this.budgets].map(async ([server, p]) => ({ server, permits: await p })),
    );
    return settled.flatMap((s) =>
      s.status === 'fulfilled'
        ? [
            {
              server: s.value.server,
              limit: s.value.permits.size,
              inUse: s.value.permits.inUse,
              waiting: s.value.permits.waiting,
            },
          ]
        : [],
    );
  }

  private async size(server: string, database: string): Promise<number> {
    const { perServer, reserve, instances } = this.config.connectionBudget;
    if (perServer !== undefined) return perServer;
    try {
      const { max, reserved } = await withOwnerClient(
        this.servers.directAppUrl(server, database),
        async (client) =>
          singleRow(
            (
              await client.query<{ max: number; reserved: number }>(
                `SELECT current_setting('max_connections')::int AS max,
                        current_setting('superuser_reserved_connections')::int AS reserved`,
              )
            ).rows,
            'server connection limits',
          ),
        { connectionTimeoutMillis: this.config.pools.connectTimeoutMs, application_name: 'switchyard' },
      );
      return Math.max(1, Math.floor((max - reserved - reserve) / instances));
    } catch (error) {
      throw asPlatformError(error);
    }
  }
}
