import { Injectable } from '@nestjs/common';
import { SwitchyardConfig } from '@switchyard/config';
import { findMigrationsRoot, loadMigrationSet, type MigrationSet, type MigrationSetName } from './migration-files';

/**
 * The migration sets this process applies, from MIGRATIONS_DIR or the project's migrations/. Read
 * freshly on every call: a run must see the files as they are now (an edited file is drift to refuse,
 * not a cached copy to trust).
 */
@Injectable()
export class MigrationSets {
  constructor(private readonly config: SwitchyardConfig) {}

  get(name: MigrationSetName): MigrationSet {
    return loadMigrationSet(name, this.config.migrations.dir ?? findMigrationsRoot());
  }
}
