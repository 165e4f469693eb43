import { Injectable, Logger } from '@nestjs/common';
import { SwitchyardConfig } from '@switchyard/config';
import { ServerDirectory, type MoveRecord } from '@switchyard/control-plane';
import {
  advisoryXactLock,
  bestEffort,
  inTransaction,
  isPgError,
  PgErrorCode,
  tenantTables,
  withOwnerClient,
} from '@switchyard/postgres';
import type { Client } from 'pg';

/**
 * The connections a move works through: an owner connection to either end, trigger DDL at the source
 * that never queues writers for long, finding the tenant tables, and stopping a COPY at once.
 */
@Injectable()
export class MoveEndpoints {
  private readonly logger = new Logger(MoveEndpoints.name);

  constructor(
    private readonly config: SwitchyardConfig,
    private readonly servers: ServerDirectory,
  ) {}

  onSource<T>(move: MoveRecord, fn: (client: Client) => Promise<T>): Promise<T> {
    return withOwnerClient(this.servers.ownerUrl(move.fromServer, move.fromDatabase), fn);
  }

  onTarget<T>(move: MoveRecord, fn: (client: Client) => Promise<T>): Promise<T> {
    return withOwnerClient(this.servers.ownerUrl(move.toServer, move.toDatabase), fn);
  }

  /** The tenant tables the move carries, as the source's catalog has them, parents first. */
  tenantTables(move: MoveRecord): Promise<string[]> {
    return this.onSource(move, (client) => tenantTables(client, move.fromSchema));
  }

  /**
   * Trigger DDL on one source schema, serialised (concurrent CREATE OR REPLACE FUNCTION can collide).
   * Creating a trigger waits for the table's open write transactions, and every new writer queues
   * behind that wait: so it waits at most MOVE_LOCK_TIMEOUT_MS, then lets the writers through and tries
   * again (MOVE_LOCK_RETRIES times), like a migration does.
   */
  async sourceTriggerDdl<T>(client: Client, schema: string, fn: () => Promise<T>): Promise<T> {
    const { lockTimeoutMs, lockRetries } = this.config.moves;
    for (let attempt = 0; ; attempt++) {
      try {
        return await inTransaction(client, async () => {
          await advisoryXactLock(client, 'moveSource', schema);
          await client.query("SELECT set_config('lock_timeout', $1, true)", [`${lockTimeoutMs}ms`]);
          return fn();
        });
      } catch (error) {
        if (!isPgError(error, PgErrorCode.lockNotAvailable) || attempt >= lockRetries) throw error;
        this.logger.warn(`trigger DDL on ${schema}: lock not available, retry ${attempt + 1}/${lockRetries}`);
        await new Promise((resolve) => setTimeout(resolve, 100 * (attempt + 1)));
      }
    }
  }

  /**
   * Stops a COPY at once. Ending a client with a query in flight destroys its socket (pg), which a COPY
   * TO needs: it reads its socket only as fast as its consumer reads, so once the pipeline is torn down
   * nothing would ever read the server's answer. The backends are terminated too, since a server
   * notices a closed socket only when it next writes to it.
   */
  async abortCopy(move: MoveRecord, source: Client, target: Client): Promise<void> {
    const pid = (client: Client) => (client as unknown as { processID: number }).processID;
    const backends: [string, number][] = [
      [move.fromServer, pid(source)],
      [move.toServer, pid(target)],
    ];
    await Promise.all([source.end(), target.end()]).catch(() => undefined); // ending is the point; errors do not matter
    for (const [server, backend] of backends) {
      await bestEffort(this.logger, `terminating backend ${backend} on ${server}`, () =>
        withOwnerClient(this.servers.maintenanceUrl(server), (c) =>
          c.query('SELECT pg_terminate_backend($1)', [backend]),
        ),
      );
    }
  }
}
