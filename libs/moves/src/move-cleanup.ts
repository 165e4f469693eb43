import { Injectable, Logger } from '@nestjs/common';
import { SwitchyardConfig } from '@switchyard/config';
import {
  MovesRepository,
  PlacementInvalidations,
  TenantsRepository,
  TERMINAL_MOVE_STATES,
  type MoveRecord,
} from '@switchyard/control-plane';
import { bestEffort, isPgError, PgErrorCode, raiseReadFence, tenantTables } from '@switchyard/postgres';
import { removeCapture, removeFence } from './capture.sql';
import { MoveEndpoints } from './move-endpoints';
import { fromOf, sameLocation, toOf, type MoveLocation } from './move-location';
import { MoveStorage } from './move-storage';

/** How long cleanup waits for readers that got in before the fence (see MoveStorage.drainStaleReaders). */
const STALE_READER_WAIT_MS = 10_000;

/**
 * Undoing a move before its flip, and cleaning up after it: what is left at either end once the tenant
 * is where it belongs.
 */
@Injectable()
export class MoveCleanup {
  private readonly logger = new Logger(MoveCleanup.name);

  constructor(
    private readonly config: SwitchyardConfig,
    private readonly moves: MovesRepository,
    private readonly tenants: TenantsRepository,
    private readonly invalidations: PlacementInvalidations,
    private readonly endpoints: MoveEndpoints,
    private readonly storage: MoveStorage,
  ) {}

  /** Before the flip: puts everything back as it was (placement, source fences and capture, target copy). */
  async rollback(move: MoveRecord): Promise<void> {
    await bestEffort(this.logger, `rollback of ${move.id} at the source`, () =>
      this.endpoints.onSource(move, async (client) => {
        const tables = await tenantTables(client, move.fromSchema);
        await this.endpoints.sourceTriggerDdl(client, move.fromSchema, async () => {
          await removeFence(client, move.fromSchema, tables, move.tenantId);
          await removeCapture(client, move.fromSchema, tables, move.id);
        });
      }),
    );
    const tenant = await this.tenants.findById(move.tenantId);
    if (!tenant || tenant.version !== move.fromVersion) return;
    await this.tenants.setPlacementState(move.tenantId, 'ready');
    await this.invalidations.publish(move.tenantId);
    await bestEffort(this.logger, `rollback of ${move.id} at the target`, () =>
      this.storage.remove(move.tenantId, toOf(move), move.toTier === move.fromTier),
    );
    // The tenant does not live at the target: fence it there (again), wherever its storage remains.
    await this.endpoints
      .onTarget(move, (client) => raiseReadFence(client, move.tenantId, move.toSchema))
      .catch((error: unknown) => {
        const gone = isPgError(error, PgErrorCode.invalidCatalogName) || isPgError(error, '42P01');
        if (!gone) this.logger.error(`rollback of ${move.id}: fencing the target: ${messageOf(error)}`);
      });
  }

  /**
   * After the flip: capture off, the old data removed now or after MOVE_RETENTION_MS; the move is done
   * (as long as `worker`, when given, still holds it).
   */
  async finish(move: MoveRecord, worker?: string): Promise<void> {
    await bestEffort(this.logger, `removing the capture of ${move.id}`, () =>
      this.endpoints.onSource(move, async (client) => {
        const tables = await tenantTables(client, move.fromSchema);
        await this.endpoints.sourceTriggerDdl(client, move.fromSchema, () =>
          removeCapture(client, move.fromSchema, tables, move.id),
        );
      }),
    );
    const retention = this.config.moves.retentionMs;
    if (retention > 0) {
      const cleanupAt = new Date(Date.now() + retention);
      return this.moves.finish(move.id, { state: 'done', finishedAt: new Date(), cleanupAt }, worker);
    }
    await this.removeSource(move);
    await this.moves.finish(move.id, { state: 'done', finishedAt: new Date(), cleanedAt: new Date() }, worker);
  }

  /**
   * Removes the old location's data once the readers that got in before its fence are done; a shared
   * cell keeps the tenant's fences against stale routers. Skipped when the tenant has come back there
   * (or is on its way back) since: that data is its live data now.
   */
  async removeSource(move: MoveRecord): Promise<void> {
    const from = fromOf(move);
    if (await this.isBoundFor(move, from)) {
      this.logger.log(`move ${move.id}: the tenant is back at its old location; nothing to remove`);
    } else {
      await this.storage.drainStaleReaders(move.tenantId, from, STALE_READER_WAIT_MS);
      await this.storage.remove(move.tenantId, from, move.toTier === move.fromTier);
    }
    await this.moves.update(move.id, { cleanedAt: new Date() });
  }

  /** The tenant lives at `location` now, or another active move is taking it there. */
  private async isBoundFor(move: MoveRecord, location: MoveLocation): Promise<boolean> {
    const tenant = await this.tenants.findById(move.tenantId);
    if (tenant && sameLocation({ tier: tenant.tier, ...tenant.placement }, location)) return true;
    const others = await this.moves.list({ tenantId: move.tenantId, limit: 10 });
    return others.some(
      (m) => m.id !== move.id && !TERMINAL_MOVE_STATES.includes(m.state) && sameLocation(toOf(m), location),
    );
  }
}

const messageOf = (error: unknown) => (error instanceof Error ? error.message : String(error));
