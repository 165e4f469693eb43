/**
 * The target-local ledger: one table per database, written in the same transaction as each migration's
 * DDL, so "applied" can never disagree with what the target actually holds — even if the runner dies
 * between the target's COMMIT and the control-plane ledger write. It lives in its own schema, which the
 * application role cannot use.
 */
export const LOCAL_LEDGER_SCHEMA = 'switchyard_meta';

export const CREATE_LOCAL_LEDGER = `
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
