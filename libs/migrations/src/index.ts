export { MigrationsModule } from './migrations.module';
export { MigrationRunner } from './migration-runner';
export type { RunOptions, TargetResult } from './migration-runner';
export { findMigrationsRoot, loadMigrationSet } from './migration-files';
export type { MigrationFile, MigrationSet, MigrationSetName } from './migration-files';
export { sharedTargetKey, templateTargetKey, tenantTargetKey } from './migration-target';
export type { MigrationTarget } from './migration-target';
