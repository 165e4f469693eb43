import { Injectable } from '@nestjs/common';
import { ServerDirectory } from '@switchyard/control-plane';
import { MigrationSets, newestApplied, readLocalLedger } from '@switchyard/migrations';
import { OwnerPools } from '@switchyard/postgres';
import type { MoveLocation } from './move-location';

/** Schema versions of move endpoints, read from the target-local ledgers (the truth, I7). */
@Injectable()
export class SchemaVersions {
  constructor(
    private readonly servers: ServerDirectory,
    private readonly pools: OwnerPools,
    private readonly sets: MigrationSets,
  ) {}

  /** The newest migration applied where the rows are now. */
  async atLocation(location: MoveLocation): Promise<string | null> {
    const set = this.sets.get('tenant');
    const applied = await this.pools.withClient(this.servers.ownerUrl(location.server, location.database), (c) =>
      readLocalLedger(c, location.schema, 'tenant'),
    );
    return newestApplied(set, applied);
  }

  /** The version a move target will be at: a shared cell's own, or the latest for new storage. */
  async forTarget(location: MoveLocation): Promise<string | null> {
    return location.tier === 'shared' ? this.atLocation(location) : this.sets.get('tenant').latest;
  }
}
