import type { ClientBase } from 'pg';

/**
 * Every advisory lock Switchyard takes, in one place: the first key of PostgreSQL's two-key form (the
 * second is a hash of what is locked). Each is four ASCII letters, so a lock seen in pg_locks says whose
 * it is.
 */
export const AdvisoryLock = {
  /** Applying migrations to one target ("SYMG"). */
  migration: 0x5359_4d47,
  /** Installation of a server, exclusive; cloning its template, shared ("SYIN"). */
  installation: 0x5359_494e,
  /** Trigger DDL on one move source schema ("SYMV"). */
  moveSource: 0x5359_4d56,
  /** Creating the read-fence schema in one database ("SYFD"). */
  fenceSchema: 0x5359_4644,
  /** Creating the target-local migration ledger in one database ("SYLG"). */
  ledger: 0x5359_4c47,
  /** Restoring an archive over one tenant, held by the session for the whole replace ("SYAR"). */
  archiveReplace: 0x5359_4152,
} as const;

export type AdvisoryLockName = keyof typeof AdvisoryLock;

/** Takes `lock` for `key` until the end of the current transaction. */
export async function advisoryXactLock(client: ClientBase, lock: AdvisoryLockName, key: string): Promise<void> {
  await client.query('SELECT pg_advisory_xact_lock($1, hashtext($2))', [AdvisoryLock[lock], key]);
}
