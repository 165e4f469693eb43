import { Injectable } from '@nestjs/common';
import {
  AuditLogRepository,
  ServerDirectory,
  SYSTEM_ACTOR,
  TenantsRepository,
  type AuditActor,
  type MoveRecord,
} from '@switchyard/control-plane';
import { DomainError, isDomainError } from '@switchyard/errors';
import { MoveRunner, type MoveProgress } from './move-runner';
import { MovesService } from './moves.service';

export interface DrainStart {
  server: string;
  /** One move per tenant that was on the server, requested now. */
  moves: MoveRecord[];
  /** Tenants left where they are, and why (already being moved, still provisioning, …). */
  skipped: { tenant: string; reason: string }[];
}

/**
 * Moves every tenant off a server: each tenant gets a move in its own tier to the least loaded place on
 * another server (cell or server, by the placement policy). The moves are ordinary moves — durable,
 * claimed by one worker, cancellable — so a drain is safe to start twice or from two control planes:
 * a tenant already being moved is skipped, never moved twice. Concurrency is bounded by whoever runs
 * them: the worker's MOVE_CONCURRENCY, or `run`'s own limit when the caller runs them itself (the CLI).
 */
@Injectable()
export class DrainService {
  constructor(
    private readonly tenants: TenantsRepository,
    private readonly moves: MovesService,
    private readonly runner: MoveRunner,
    private readonly servers: ServerDirectory,
    private readonly audit: AuditLogRepository,
  ) {}

  /** Requests the moves; with `worker` they are claimed for that caller, who then runs them (`run`). */
  async start(server: string, by: AuditActor = SYSTEM_ACTOR, worker?: string): Promise<DrainStart> {
    if (!this.servers.names().includes(server))
      throw new DomainError('SERVER_NOT_FOUND', `No registered server ${JSON.stringify(server)}`);
    if (this.servers.names().length < 2)
      throw new DomainError('VALIDATION_FAILED', `there is no other server to move the tenants of ${server} to`);
    const here = (await this.tenants.all()).filter((t) => t.placement.server === server);
    const moves: MoveRecord[] = [];
    const skipped: DrainStart['skipped'] = [];
    for (const tenant of here) {
      if (tenant.status !== 'active' && tenant.status !== 'suspended') {
        skipped.push({ tenant: tenant.slug, reason: `it is ${tenant.status}` });
        continue;
      }
      try {
        moves.push(await this.moves.request(tenant.id, { tier: tenant.tier, awayFrom: server, worker }, by));
      } catch (error) {
        // Already being moved (perhaps by a drain started elsewhere), behind in schema version, …
        if (!isDomainError(error)) throw error;
        skipped.push({ tenant: tenant.slug, reason: `${error.code}: ${error.message}` });
      }
    }
    // Each move is recorded as it is requested (tenant.move); this says they were one drain.
    await this.audit.append({
      actor: by.actor,
      action: 'server.drain',
      target: server,
      outcome: 'succeeded',
      details: { moves: moves.map((m) => m.id), skipped },
    });
    return { server, moves, skipped };
  }

  /** Runs moves claimed by this caller, at most `concurrency` at once; their final records, in order. */
  async run(
    moves: MoveRecord[],
    concurrency: number,
    onProgress: (move: MoveRecord, progress: MoveProgress) => void = () => undefined,
  ): Promise<MoveRecord[]> {
    const results: MoveRecord[] = new Array<MoveRecord>(moves.length);
    let next = 0;
    const lane = async () => {
      for (let i = next++; i < moves.length; i = next++) {
        const move = moves[i]!;
        results[i] = await this.runner.execute(move.id, (progress) => onProgress(move, progress));
      }
    };
    await Promise.all(Array.from({ length: Math.max(1, concurrency) }, lane));
    return results;
  }
}
