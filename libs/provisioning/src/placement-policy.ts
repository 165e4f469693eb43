import { Inject, Injectable } from '@nestjs/common';
import {
  CellsRepository,
  MAIN_CELL,
  PRIMARY_SERVER,
  ServerDirectory,
  ServersRepository,
  type CellLoad,
  type PlacementLocation,
  type Tier,
} from '@switchyard/control-plane';
import { DomainError } from '@switchyard/errors';
import { TIER_PROVISIONERS, type TierProvisioner } from './tiers/tier-provisioner';

export interface PlacementRequest {
  tier: Tier;
  /** A registered server; for shared and schema tenants, its least loaded cell. */
  server?: string;
  /** A shared cell, for shared and schema tenants. */
  cell?: string;
  /** A server being drained: the tenant goes anywhere but there. */
  awayFrom?: string;
}

/** Where a tenant is now, for a move that names neither server nor cell. */
export type CurrentPlacement = PlacementLocation & { tier: Tier };

/**
 * Where a tenant goes, by a stated policy:
 * - explicit first: `cell` (shared and schema tiers), else `server` (its least loaded cell for shared
 *   and schema tenants, the server itself for a database tenant);
 * - a move that names neither stays where it is: on its server (database tier) or in its cell (shared
 *   and schema tiers; from a database, the least loaded cell of its server when it has one);
 * - a new tenant goes to the least loaded place: the cell with the fewest shared and schema tenants, the
 *   server with the fewest tenant databases (ties: the main cell, the primary server, then by name).
 */
@Injectable()
export class PlacementPolicy {
  private readonly provisioners: Map<Tier, TierProvisioner>;

  constructor(
    private readonly cells: CellsRepository,
    private readonly servers: ServersRepository,
    private readonly directory: ServerDirectory,
    @Inject(TIER_PROVISIONERS) provisioners: TierProvisioner[],
  ) {
    this.provisioners = new Map(provisioners.map((p) => [p.tier, p]));
  }

  async place(tenantId: string, request: PlacementRequest, current?: CurrentPlacement): Promise<PlacementLocation> {
    const provisioner = this.provisioners.get(request.tier);
    if (!provisioner) throw new DomainError('VALIDATION_FAILED', 'tier must be one of shared, schema, database');
    if (request.server !== undefined && !this.directory.names().includes(request.server))
      throw new DomainError('SERVER_NOT_FOUND', `No registered server ${JSON.stringify(request.server)}`);
    if (request.tier === 'database') {
      if (request.cell !== undefined)
        throw new DomainError('VALIDATION_FAILED', 'a database tenant has its own database: name a server, not a cell');
      const stay = current && current.server !== request.awayFrom ? current.server : undefined;
      const server = request.server ?? stay ?? (await this.leastLoadedServer(request.awayFrom));
      return provisioner.location(tenantId, { server, database: '' });
    }
    const cell = await this.cellFor(request, current);
    return provisioner.location(tenantId, { server: cell.server, database: cell.database });
  }

  private async cellFor(request: PlacementRequest, current?: CurrentPlacement): Promise<CellLoad> {
    const cells = (await this.cells.listWithLoad()).filter((c) => c.server !== request.awayFrom);
    if (request.cell !== undefined) {
      const cell = cells.find((c) => c.name === request.cell);
      if (!cell) throw new DomainError('CELL_NOT_FOUND', `No cell ${JSON.stringify(request.cell)}`);
      if (request.server !== undefined && cell.server !== request.server)
        throw new DomainError(
          'VALIDATION_FAILED',
          `cell ${cell.name} is on server ${cell.server}, not ${request.server}`,
        );
      return cell;
    }
    if (request.server === undefined && current && current.tier !== 'database') {
      const here = cells.find((c) => c.server === current.server && c.database === current.database);
      if (here) return here;
    }
    const server = request.server ?? (current?.server === request.awayFrom ? undefined : current?.server);
    const onServer = server === undefined ? cells : cells.filter((c) => c.server === server);
    const candidates = onServer.length || request.server !== undefined ? onServer : cells;
    const [best] = [...candidates].sort(byLoad);
    if (!best)
      throw new DomainError(
        'VALIDATION_FAILED',
        server === undefined
          ? 'there is no shared cell to place shared and schema tenants in; add one with `switchyard cells add`'
          : `server ${server} has no shared cell for shared and schema tenants; add one with \`switchyard cells add <name> --server ${server}\``,
      );
    return best;
  }

  private async leastLoadedServer(awayFrom?: string): Promise<string> {
    const servers = (await this.servers.listWithUsage()).filter(
      (s) => this.directory.names().includes(s.name) && s.name !== awayFrom,
    );
    const rank = (name: string) => (name === PRIMARY_SERVER ? '' : name);
    const [best] = servers.sort(
      (a, b) => a.tenants.database - b.tenants.database || rank(a.name).localeCompare(rank(b.name)),
    );
    if (!best) throw new DomainError('VALIDATION_FAILED', `there is no server to place the tenant on but ${awayFrom}`);
    return best.name;
  }
}

function byLoad(a: CellLoad, b: CellLoad): number {
  const load = (c: CellLoad) => c.tenants.shared + c.tenants.schema;
  const rank = (c: CellLoad) => (c.name === MAIN_CELL ? '' : c.name);
  return load(a) - load(b) || rank(a).localeCompare(rank(b));
}
