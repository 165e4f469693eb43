import type { Tier } from '@switchyard/control-plane';

/** One side of a move: where a tenant's rows are (or will be). */
export interface MoveLocation {
  tier: Tier;
  server: string;
  database: string;
  schema: string;
}

export function sameLocation(a: MoveLocation, b: MoveLocation): boolean {
  return a.server === b.server && a.database === b.database && a.schema === b.schema;
}
