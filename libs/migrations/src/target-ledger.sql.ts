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

/** Namespace of the advisory locks the runner takes (two-key form: this, then a hash of the target). */
export const ADVISORY_LOCK_NAMESPACE = 0x5359_4d47; // "SYMG"

/** Creates the ledger if missing; serialised because concurrent CREATE … IF NOT EXISTS can still collide. */
export async function ensureLocalLedger(client: ClientBase): Promise<void> {
  const { rows } = await client.query<{ present: boolean }>(
    "SELECT to_regclass('switchyard_meta.migrations') IS NOT NULL AS present",
  );
  if (rows[0].present) return;
  await client.query('BEGIN');
  try {
    await client.query('SELECT pg_advisory_xact_lock($1, 0)', [ADVISORY_LOCK_NAMESPACE]);
    await client.query(CREATE_LOCAL_LEDGER);
    await client.query('COMMIT');
  } catch (error) {
    await client.query('ROLLBACK').catch(() => undefined);
    throw error;
  }
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
