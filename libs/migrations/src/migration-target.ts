import type { LedgerTarget, Tier } from '@switchyard/control-plane';
import type { MigrationSetName } from './migration-files';

/** One place a migration set is applied to: a schema in a database on a server. */
export interface MigrationTarget extends LedgerTarget {
  set: MigrationSetName;
  /** Owner connection URL of the target's database. */
  url: string;
  /** Role granted DML on the target's tables after each migration (tenant set only). */
  appRole?: string;
  /**
   * A template database: migrated under the server's installation lock (cloning waits) and left with
   * no open connection afterwards, since PostgreSQL refuses to clone a template anyone is connected to.
   */
  template?: boolean;
}

export function sharedTargetKey(server: string, database: string): string {
  return `shared:${server}/${database}`;
}

export function templateTargetKey(server: string, database: string): string {
  return `template:${server}/${database}`;
}

export function tenantTargetKey(tier: Exclude<Tier, 'shared'>, tenantId: string): string {
  return `${tier}:${tenantId}`;
}
