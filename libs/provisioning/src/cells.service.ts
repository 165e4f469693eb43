import { Injectable } from '@nestjs/common';
import { SwitchyardConfig } from '@switchyard/config';
import {
  CellsRepository,
  ServerDirectory,
  SYSTEM_ACTOR,
  type AuditActor,
  type CellLoad,
  type CellRecord,
} from '@switchyard/control-plane';
import { DomainError } from '@switchyard/errors';
import { InstallationService } from './installation.service';

export const CELL_NAME = /^[a-z][a-z0-9-]{0,15}$/;

/**
 * Shared cells: more databases for shared-tier rows and tenant schemas, on any registered server, so
 * that one shared database (and one server) is not the ceiling of the cheap tiers. A cell's database is
 * `<prefix>_cell_<name>`, installed like the main cell: closed to all but the application role, the
 * read fence, the tenant migrations up to the latest.
 */
@Injectable()
export class CellsService {
  constructor(
    private readonly config: SwitchyardConfig,
    private readonly cells: CellsRepository,
    private readonly servers: ServerDirectory,
    private readonly installation: InstallationService,
  ) {}

  list(): Promise<CellLoad[]> {
    return this.cells.listWithLoad();
  }

  /** Adds a cell on `server`; adding the same cell again finishes an interrupted addition. */
  async add(name: string, server: string, by: AuditActor = SYSTEM_ACTOR): Promise<CellRecord> {
    if (!CELL_NAME.test(name)) throw new DomainError('VALIDATION_FAILED', `cell name must match ${CELL_NAME.source}`);
    if (!this.servers.names().includes(server))
      throw new DomainError('SERVER_NOT_FOUND', `No registered server ${JSON.stringify(server)}`);
    const existing = await this.cells.findByName(name);
    if (existing && existing.server !== server)
      throw new DomainError('VALIDATION_FAILED', `cell ${name} already exists on server ${existing.server}`);
    const database = existing?.database ?? `${this.config.names.prefix}_cell_${name.replaceAll('-', '_')}`;
    await this.installation.installCell(server, database);
    return this.cells.add({ name, server, database }, by);
  }
}
