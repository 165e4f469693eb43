import { advisoryXactLock, inTransaction } from '@switchyard/postgres';
import type { ClientBase } from 'pg';

/**
 * The target-local ledger: one table per database, written in the same transaction as each migration's
 * DDL, so "applied" can never disagree with what the target actually holds — even if the runner dies
 * between the target's COMMIT and the control-plane ledger write. It lives in its own schema, which the
 * application role cannot use.
 */
export const LOCAL_LEDGER_SCHEMA = 'switchyard_meta';

const CREATE_LOCAL_LEDGER = `
CREATE SCHEMA IF NOT EXISTS switchyard_meta;
CREATE TABLE IF NOT EXISTS switchyard_meta.migrations (
  target_schema text NOT NULL,
  migration_set text NOT NULL,
  migration text NOT NULL,
  checksum text NOT NULL,
  applied_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (target_schema, migration_set, migration)
);
REVOKE ALL ON SCHEMA switchyard_meta FROM PUBLIC;
`;

/** Creates the ledger if missing; serialised because concurrent CREATE … IF NOT EXISTS can still collide. */
export async function ensureLocalLedger(client: ClientBase): Promise<void> {
  const { rows } = await client.query<{ present: boolean }>(
    "SELECT to_regclass('switchyard_meta.migrations') IS NOT NULL AS present",
  );
  if (rows[0]?.present) return;
  await inTransaction(client, async () => {
    await advisoryXactLock(client, 'ledger', LOCAL_LEDGER_SCHEMA);
    await client.query(CREATE_LOCAL_LEDGER);
  });
}

/** Applied migrations of one target (schema) and set: name → checksum. Empty when there is no ledger. */
export async function readLocalLedger(client: ClientBase, schema: string, set: string): Promise<Map<string, string>> {
  const { rows } = await client
    .query<{ migration: string; checksum: string }>(
      `SELECT migration, checksum FROM switchyard_meta.migrations
      WHERE target_schema = $1 AND migration_set = $2`,
      [schema, set],
    )
    .catch((error: { code?: string }) => {
      if (error.code === '42P01' || error.code === '3F000') return { rows: [] }; // no ledger yet
      throw error;
    });
  return new Map(rows.map((r) => [r.migration, r.checksum]));
}
