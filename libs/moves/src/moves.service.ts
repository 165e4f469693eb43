import { Injectable } from '@nestjs/common';
import {
  MovesRepository,
  SYSTEM_ACTOR,
  TenantsService,
  TERMINAL_MOVE_STATES,
  type AuditActor,
  type MoveRecord,
  type MoveState,
  type Tier,
} from '@switchyard/control-plane';
import { DomainError } from '@switchyard/errors';
import { isPgError, PgErrorCode } from '@switchyard/postgres';
import { PlacementPolicy } from '@switchyard/provisioning';
import { sameLocation } from './move-location';
import { SchemaVersions } from './schema-versions';

export interface MoveRequest {
  tier: Tier;
  /** Registered server to move to (default: where the tenant is now). */
  server?: string;
  /** Shared cell to move to, for the shared and schema tiers (default: the placement policy's). */
  cell?: string;
  /** A server being drained: move anywhere but there. */
  awayFrom?: string;
  /** Claim the move for this worker at once (a caller that runs it itself, e.g. `--wait`). */
  worker?: string;
}

/**
 * Accepts, lists and cancels moves; MoveRunner carries them out. `by` is recorded with the accepted
 * move (`tenant.move`) or the cancel request (`move.cancel`), in the same transaction; the requester
 * is also the actor of the move's end (`move.finish`).
 */
@Injectable()
export class MovesService {
  constructor(
    private readonly tenants: TenantsService,
    private readonly moves: MovesRepository,
    private readonly placement: PlacementPolicy,
    private readonly versions: SchemaVersions,
  ) {}

  async request(idOrSlug: string, request: MoveRequest, by: AuditActor = SYSTEM_ACTOR): Promise<MoveRecord> {
    const tenant = await this.tenants.get(idOrSlug);
    if (tenant.status !== 'active' && tenant.status !== 'suspended') {
      throw new DomainError('TENANT_NOT_ACTIVE', `Tenant ${tenant.slug} is ${tenant.status}`);
    }
    if (tenant.state === 'moving' || tenant.state === 'frozen')
      throw new DomainError('TENANT_MOVING', `Tenant ${tenant.slug} is already being moved`);
    const from = { tier: tenant.tier, ...tenant.placement };
    const to = { tier: request.tier, ...(await this.placement.place(tenant.id, request, from)) };
    if (sameLocation(from, to))
      throw new DomainError('MOVE_NOT_NEEDED', `Tenant ${tenant.slug} is already placed there`);
    const [sourceVersion, targetVersion] = await Promise.all([
      this.versions.atLocation(from),
      this.versions.forTarget(to),
    ]);
    if (sourceVersion !== targetVersion) {
      throw new DomainError(
        'SCHEMA_VERSION_MISMATCH',
        `Tenant ${tenant.slug} is at ${sourceVersion ?? 'no migration'} but the target would be at ${targetVersion ?? 'no migration'}; run \`switchyard migrate\` first`,
      );
    }
    try {
      return await this.moves.insert(
        {
          tenantId: tenant.id,
          fromTier: from.tier,
          fromServer: from.server,
          fromDatabase: from.database,
          fromSchema: from.schema,
          fromVersion: tenant.version,
          toTier: to.tier,
          toServer: to.server,
          toDatabase: to.database,
          toSchema: to.schema,
        },
        by,
        request.worker,
      );
    } catch (error) {
      if (isPgError(error, PgErrorCode.uniqueViolation))
        throw new DomainError('TENANT_MOVING', `Tenant ${tenant.slug} is already being moved`);
      throw error;
    }
  }

  async get(id: string): Promise<MoveRecord> {
    const move = await this.moves.findById(id);
    if (!move) throw new DomainError('MOVE_NOT_FOUND', `No move ${id}`);
    return move;
  }

  async list(filter: { tenant?: string; state?: MoveState; limit?: number }): Promise<MoveRecord[]> {
    const tenantId = filter.tenant ? (await this.tenants.get(filter.tenant)).id : undefined;
    return this.moves.list({ tenantId, state: filter.state, limit: filter.limit ?? 50 });
  }

  /** Asks the worker to stop and roll back; refused once the cutover has flipped the placement. */
  async cancel(id: string, by: AuditActor = SYSTEM_ACTOR): Promise<MoveRecord> {
    const move = await this.get(id);
    if (TERMINAL_MOVE_STATES.includes(move.state) || move.state === 'cleaning_up' || move.state === 'verifying') {
      throw new DomainError('MOVE_NOT_CANCELLABLE', `Move ${id} is ${move.state}; it can no longer be cancelled`);
    }
    const updated = await this.moves.requestCancel(id, by);
    if (!updated) throw new DomainError('MOVE_NOT_CANCELLABLE', `Move ${id} has finished`);
    return updated;
  }
}
