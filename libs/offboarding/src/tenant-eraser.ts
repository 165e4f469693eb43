import { Injectable, Logger } from '@nestjs/common';
import {
  MovesRepository,
  OffboardingsRepository,
  ServerDirectory,
  TenantsRepository,
  TERMINAL_MOVE_STATES,
  type AuditActor,
  type MoveRecord,
  type OffboardingRecord,
} from '@switchyard/control-plane';
import { isDomainError } from '@switchyard/errors';
import {
  fromOf,
  MoveEndpoints,
  MoveRunner,
  MovesService,
  MoveStorage,
  removeCapture,
  removeFence,
  toOf,
  type MoveLocation,
} from '@switchyard/moves';
import { isPgError, PgErrorCode, tenantStorageNames, tenantTables, withOwnerClient } from '@switchyard/postgres';
import { TenantLifecycleService } from '@switchyard/provisioning';
import type { Client } from 'pg';
import { ErasureProver, type ErasureProof } from './erasure-proof';

/** Where the tenant's data was known to be, and its moves: saved with the offboarding, so a retry knows it too. */
export interface ErasurePlan {
  locations: MoveLocation[];
  moveIds: string[];
}

/** What the erasure removed, step by step (with the proof, the offboarding's result). */
export interface ErasureSteps {
  /** The live placement removed through the tier's deprovisioning (null: the tenant was gone already). */
  live: MoveLocation | null;
  /** Moves whose old data, kept for MOVE_RETENTION_MS, was removed now. */
  retainedRemoved: number;
  /** Every location the tenant was known at, cleared of whatever remained (rows, fences, capture). */
  locationsCleared: number;
  /** Locations that could not be reached (their server is no longer registered). */
  unreachable: { server: string; database: string; reason: string }[];
  controlPlane: { usageRows: number; ledgerRows: number; moves: number };
}

/** How long the erasure waits for the tenant's moves to end (cancelled, or past their flip, finished). */
const SETTLE_MS = 60_000;
const CANCELLABLE = new Set<MoveRecord['state']>(['pending', 'copying', 'catching_up', 'cutover']);

/**
 * Erases a tenant everywhere it has data: moves stopped, the old data moves kept (MOVE_RETENTION_MS)
 * removed, the live placement deprovisioned by its tier (the `tenants` row goes, placements cascade),
 * every location it was ever moved from or to cleared of rows, fences, capture triggers and queued
 * changes, and its usage, ledger and move rows in the control plane removed. Every step is idempotent,
 * so an attempt that failed half-way is simply run again. Then it proves it (ErasureProver).
 */
@Injectable()
export class TenantEraser {
  private readonly logger = new Logger(TenantEraser.name);

  constructor(
    private readonly tenants: TenantsRepository,
    private readonly moves: MovesRepository,
    private readonly movesService: MovesService,
    private readonly runner: MoveRunner,
    private readonly storage: MoveStorage,
    private readonly endpoints: MoveEndpoints,
    private readonly lifecycle: TenantLifecycleService,
    private readonly servers: ServerDirectory,
    private readonly offboardings: OffboardingsRepository,
    private readonly prover: ErasureProver,
  ) {}

  async erase(
    record: OffboardingRecord,
    worker: string,
    step: (what: string) => void = () => undefined,
  ): Promise<{ steps: ErasureSteps; proof: ErasureProof }> {
    const { tenantId } = record;
    const by: AuditActor = { actor: record.requestedBy };

    step('stopping moves');
    if (await this.tenants.findById(tenantId)) await this.settleMoves(tenantId, by);
    const tenant = await this.tenants.findById(tenantId);
    const moves = await this.moves.list({ tenantId, limit: 10_000 });
    const plan = mergePlans(record.plan as ErasurePlan | null, {
      locations: [
        ...(tenant ? [{ tier: tenant.tier, ...tenant.placement }] : []),
        ...moves.flatMap((m) => [fromOf(m), toOf(m)]),
      ],
      moveIds: moves.map((m) => m.id),
    });
    await this.offboardings.updateClaimed(record.id, worker, { plan });

    step('removing data kept after moves');
    let retainedRemoved = 0;
    for (const move of moves.filter((m) => m.state === 'done' && m.cleanupAt && !m.cleanedAt)) {
      await this.runner.removeSource(move);
      retainedRemoved++;
    }

    // Counted here: the tenant row's cascade would remove them unseen.
    step('removing its usage, migration-ledger rows and moves from the control plane');
    const traces = await this.offboardings.eraseTenantTraces(tenantId);

    step('removing the live placement');
    if (tenant) await this.lifecycle.delete(tenantId, by);

    step('clearing every location the tenant was at');
    const unreachable: ErasureSteps['unreachable'] = [];
    let locationsCleared = 0;
    for (const location of plan.locations) {
      const reason = await this.clearLocation(tenantId, location, plan.moveIds);
      if (reason) unreachable.push({ server: location.server, database: location.database, reason });
      else locationsCleared++;
    }
    // Usage an API process flushed meanwhile went with the tenant row; later flushes are dropped.
    const late = await this.offboardings.eraseTenantTraces(tenantId);
    const controlPlane = {
      usageRows: traces.usageRows + late.usageRows,
      ledgerRows: traces.ledgerRows + late.ledgerRows,
      moves: traces.moves + late.moves,
    };

    step('proving it: looking for the tenant in every database of every server');
    const proof = await this.prover.prove(tenantId, plan.moveIds);
    const live = tenant ? { tier: tenant.tier, ...tenant.placement } : null;
    return { steps: { live, retainedRemoved, locationsCleared, unreachable, controlPlane }, proof };
  }

  /**
   * Stops the tenant's moves: those before their flip are cancelled (rolled back), those past it
   * finish; a move nobody runs (its worker died, or none runs in this installation) is run here.
   */
  private async settleMoves(tenantId: string, by: AuditActor): Promise<void> {
    const deadline = Date.now() + SETTLE_MS;
    for (;;) {
      const active = (await this.moves.list({ tenantId, limit: 50 })).filter(
        (m) => !TERMINAL_MOVE_STATES.includes(m.state),
      );
      if (!active.length) return;
      for (const move of active) {
        if (CANCELLABLE.has(move.state) && !move.cancelRequested) {
          await this.movesService.cancel(move.id, by).catch((error: unknown) => {
            if (!isDomainError(error, 'MOVE_NOT_CANCELLABLE')) throw error;
          });
        }
        // Claims it only if nobody holds it (or its holder died); otherwise returns at once. One this
        // process holds is running here already (the move worker shares this runner and its worker id).
        if (move.worker !== this.runner.worker)
          await this.runner
            .execute(move.id)
            .catch((error: unknown) => this.logger.warn(`move ${move.id}: ${messageOf(error)}`));
      }
      if (Date.now() > deadline) {
        const list = active.map((m) => `${m.id} (${m.state})`).join(', ');
        throw new Error(`the tenant is still being moved: ${list}`);
      }
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
  }

  /**
   * Whatever remains of the tenant at one location: its own schema or database dropped; in a shared
   * cell its rows deleted (through its fence, like a move's cleanup), then its fences, capture triggers
   * and queued changes removed. Returns why the location could not be reached, if it could not.
   */
  private async clearLocation(
    tenantId: string,
    at: MoveLocation,
    moveIds: readonly string[],
  ): Promise<string | undefined> {
    if (!this.servers.names().includes(at.server)) return 'server no longer registered';
    const names = tenantStorageNames(tenantId);
    try {
      if (at.database === names.database) {
        await this.storage.remove(tenantId, { ...at, tier: 'database' }, false);
        return undefined;
      }
      if (at.schema === names.schema) await this.storage.remove(tenantId, { ...at, tier: 'schema' }, false);
      else await this.storage.deleteRows(tenantId, at);
      await withOwnerClient(this.servers.ownerUrl(at.server, at.database), (client) =>
        this.removeTraces(client, tenantId, at.schema, moveIds),
      );
    } catch (error) {
      if (isPgError(error, PgErrorCode.invalidCatalogName)) return undefined; // the database is gone: nothing left there
      throw error;
    }
    return undefined;
  }

  /** Fence and capture triggers naming the tenant or its moves, queued changes of its rows, its read fences. */
  private async removeTraces(
    client: Client,
    tenantId: string,
    schema: string,
    moveIds: readonly string[],
  ): Promise<void> {
    const hex = tenantId.replace(/-/g, '');
    const captureNames = moveIds.flatMap((id) =>
      ['i', 'u', 'd'].map((op) => `sy_capture_${op}_${id.replace(/-/g, '')}`),
    );
    const present = await client.query<{ present: boolean }>(
      `SELECT EXISTS (SELECT 1 FROM pg_trigger t JOIN pg_class c ON c.oid = t.tgrelid JOIN pg_namespace n ON n.oid = c.relnamespace
        WHERE n.nspname = $1 AND NOT t.tgisinternal AND (t.tgname = ANY($2::text[]) OR t.tgname LIKE '%' || $3)) AS present`,
      [schema, captureNames, hex],
    );
    if (present.rows[0]?.present) {
      const tables = await tenantTables(client, schema);
      // Trigger DDL waits at most MOVE_LOCK_TIMEOUT_MS for a table's writers at a time, like a move's.
      await this.endpoints.sourceTriggerDdl(client, schema, async () => {
        await removeFence(client, schema, tables, tenantId);
        for (const moveId of moveIds) await removeCapture(client, schema, tables, moveId);
      });
    }
    const queues = await client.query<{ schema: string }>(
      `SELECT n.nspname::text AS schema FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
        WHERE c.relname = 'switchyard_move_changes' AND c.relkind = 'r'`,
    );
    for (const queue of queues.rows) {
      await client.query(
        `DELETE FROM ${client.escapeIdentifier(queue.schema)}.switchyard_move_changes
          WHERE move_id = ANY($1::uuid[]) OR row_data->>'tenant_id' = $2`,
        [moveIds, tenantId],
      );
    }
    // Every read fence of the tenant in this database, a dropped schema's included: it lives nowhere now.
    const fences = await client.query<{ present: boolean }>(
      "SELECT to_regclass('switchyard_fence.fences') IS NOT NULL AS present",
    );
    if (fences.rows[0]?.present)
      await client.query('DELETE FROM switchyard_fence.fences WHERE tenant_id = $1', [tenantId]);
  }
}

/** Both plans' locations (once each) and moves. */
function mergePlans(saved: ErasurePlan | null, found: ErasurePlan): ErasurePlan {
  const locations = new Map<string, MoveLocation>();
  for (const l of [...(saved?.locations ?? []), ...found.locations])
    locations.set(`${l.server}/${l.database}/${l.schema}`, l);
  return { locations: [...locations.values()], moveIds: [...new Set([...(saved?.moveIds ?? []), ...found.moveIds])] };
}

const messageOf = (error: unknown) => (error instanceof Error ? error.message : String(error));
