import { Injectable, Logger } from '@nestjs/common';
import {
  PlacementInvalidations,
  ServerDirectory,
  TenantsRepository,
  type TenantRecord,
} from '@switchyard/control-plane';
import { DomainError } from '@switchyard/errors';
import {
  bestEffort,
  inTransaction,
  lowerReadFence,
  raiseReadFence,
  readersOlderThanFence,
  withOwnerClient,
} from '@switchyard/postgres';
import type { ClientBase } from 'pg';
import { ReplaceFreezeRepository } from './replace-freeze.repository';

/** How long a replace waits for transactions that began before its fence (the move cleanup's bound). */
const READERS_WAIT_MS = 10_000;
const READERS_POLL_MS = 50;

/**
 * Keeps every writer away from a tenant while a replace deletes its rows and loads an archive, the way
 * a move's cutover does: the placement is `frozen` (routers hold the tenant's requests, then answer 503
 * with Retry-After — a pause clients retry through, where a suspension would answer 403 and change what
 * operators see), the location's read fence goes up (a router that has not heard of the freeze yet is
 * refused there and re-reads the placement), and transactions that began before the fence are waited
 * for. The load's transaction lowers the fence as its last statement, so the new rows and the open
 * location commit together; the placement is then thawed. A failure lowers the fence and thaws.
 */
@Injectable()
export class ReplaceFence {
  private readonly logger = new Logger(ReplaceFence.name);

  constructor(
    private readonly freezes: ReplaceFreezeRepository,
    private readonly servers: ServerDirectory,
    private readonly tenants: TenantsRepository,
    private readonly invalidations: PlacementInvalidations,
  ) {}

  /**
   * Runs `work` with the tenant fenced, given the tenant as read under the freeze (a move that ended
   * just before may have changed its placement); `work` must call `release(client)` inside its
   * transaction, last before COMMIT: it refuses if the placement changed meanwhile and lowers the fence.
   */
  async hold<T>(
    ref: TenantRecord,
    work: (tenant: TenantRecord, release: (client: ClientBase) => Promise<void>) => Promise<T>,
  ): Promise<T> {
    return this.freezes.withReplaceLock(ref.id, ref.slug, async () => {
      const version = await this.freezes.freeze(ref.id);
      if (version === undefined)
        throw new DomainError('TENANT_MOVING', `Tenant ${ref.slug} is being moved; replace it once the move has ended`);
      const tenant = (await this.tenants.findById(ref.id)) ?? ref;
      await this.invalidations.publish(tenant.id);
      try {
        await this.atLocation(tenant, (client) =>
          inTransaction(client, () => raiseReadFence(client, tenant.id, tenant.placement.schema)),
        );
        await this.waitForOlderTransactions(tenant);
        return await work(tenant, async (client) => {
          if (!(await this.freezes.stillFrozen(tenant.id, version)))
            throw new DomainError(
              'TENANT_MOVING',
              `Tenant ${tenant.slug} changed during the replace; nothing was replaced`,
            );
          await lowerReadFence(client, tenant.id, tenant.placement.schema);
        });
      } finally {
        // After a success the fence is already down (committed with the rows): this is a no-op then.
        await bestEffort(this.logger, `lowering the read fence of ${tenant.slug}`, () =>
          this.atLocation(tenant, (client) => lowerReadFence(client, tenant.id, tenant.placement.schema)),
        );
        await bestEffort(this.logger, `thawing ${tenant.slug}`, () => this.freezes.thaw(tenant.id, version));
        await bestEffort(this.logger, `announcing ${tenant.slug}`, () => this.invalidations.publish(tenant.id));
      }
    });
  }

  private atLocation<T>(tenant: TenantRecord, fn: (client: ClientBase) => Promise<T>): Promise<T> {
    const { server, database } = tenant.placement;
    return withOwnerClient(this.servers.ownerUrl(server, database), fn, { application_name: 'switchyard-archive' });
  }

  /**
   * A transaction that set the tenant's context before the fence went up may still write: wait until
   * none is left (in a shared cell this counts every tenant's, so it is bounded, like a move's cleanup).
   */
  private async waitForOlderTransactions(tenant: TenantRecord): Promise<void> {
    await this.atLocation(tenant, async (client) => {
      const deadline = Date.now() + READERS_WAIT_MS;
      while ((await readersOlderThanFence(client, tenant.id, tenant.placement.schema)) > 0) {
        if (Date.now() >= deadline) {
          this.logger.warn(`${tenant.slug}: transactions older than the fence still run after ${READERS_WAIT_MS} ms`);
          return;
        }
        await new Promise((resolve) => setTimeout(resolve, READERS_POLL_MS));
      }
    });
  }
}
