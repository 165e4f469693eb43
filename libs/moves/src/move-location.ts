import type { MoveRecord, Tier } from '@switchyard/control-plane';

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

/** Where a move takes the tenant from. */
export const fromOf = (m: MoveRecord): MoveLocation => ({
  tier: m.fromTier,
  server: m.fromServer,
  database: m.fromDatabase,
  schema: m.fromSchema,
});

/** Where a move takes the tenant to. */
export const toOf = (m: MoveRecord): MoveLocation => ({
  tier: m.toTier,
  server: m.toServer,
  database: m.toDatabase,
  schema: m.toSchema,
});
