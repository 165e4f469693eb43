import { Injectable, Logger } from '@nestjs/common';
import { LedgerRepository } from '@switchyard/control-plane';
import { DomainError } from '@switchyard/errors';
import { quoteIdent, withOwnerClient } from '@switchyard/postgres';
import type { Client } from 'pg';
import type { MigrationFile, MigrationSet } from './migration-files';
import type { MigrationTarget } from './migration-target';
import { ADVISORY_LOCK_NAMESPACE, CREATE_LOCAL_LEDGER } from './target-ledger.sql';

export interface TargetResult {
  target: MigrationTarget;
  applied: string[];
  /** The newest migration the target holds after the run. */
  version: string | null;
  error?: DomainError;
}

export interface RunOptions {
  lockTimeoutMs?: number;
  statementTimeoutMs?: number;
}

const DEFAULTS: Required<RunOptions> = { lockTimeoutMs: 5_000, statementTimeoutMs: 5 * 60_000 };

/**
 * Applies a migration set to one target: each pending migration in its own transaction, under a
 * per-target advisory lock, recorded in the target-local ledger in that same transaction (so a target is
 * never half-migrated, I7) and then in the control-plane ledger.
 */
@Injectable()
export class MigrationRunner {
  private readonly logger = new Logger(MigrationRunner.name);

  constructor(private readonly ledger: LedgerRepository) {}

  /** Migrates the control-plane database itself; its ledger is only the local one (it may not exist yet). */
  async migrateControlPlane(url: string, set: MigrationSet, options: RunOptions = {}): Promise<string[]> {
    return withOwnerClient(url, async (client) => {
      await this.ensureLocalLedger(client);
      const applied: string[] = [];
      for (const file of this.pendingFiles(set, await this.readLocal(client, 'public', set.name))) {
        if (await this.applyOne(client, 'public', set, file, undefined, options)) applied.push(file.name);
      }
      return applied;
    });
  }

  /** Migrates one target; failures are returned, not thrown, so a fleet run can go on. */
  async migrateTarget(target: MigrationTarget, set: MigrationSet, options: RunOptions = {}): Promise<TargetResult> {
    const applied: string[] = [];
    let version: string | null = null;
    try {
      await withOwnerClient(target.url, async (client) => {
        await this.ensureLocalLedger(client);
        const local = await this.readLocal(client, target.schema, set.name);
        await this.reconcile(target, set, local);
        for (const file of this.pendingFiles(set, local)) {
          const startedAt = new Date();
          await this.ledger.record(target, { migration: file.name, checksum: file.checksum, status: 'running', startedAt, finishedAt: null, durationMs: null, error: null });
          try {
            if (await this.applyOne(client, target.schema, set, file, target.appRole, options)) applied.push(file.name);
          } catch (error) {
            const finishedAt = new Date();
            await this.ledger.record(target, {
              migration: file.name,
              checksum: file.checksum,
              status: 'failed',
              startedAt,
              finishedAt,
              durationMs: finishedAt.getTime() - startedAt.getTime(),
              error: error instanceof Error ? error.message : String(error),
            });
            throw new DomainError('MIGRATION_FAILED', `${file.name} failed on ${target.key}: ${error instanceof Error ? error.message : String(error)}`, { migration: file.name });
          }
          const finishedAt = new Date();
          await this.ledger.record(target, { migration: file.name, checksum: file.checksum, status: 'applied', startedAt, finishedAt, durationMs: finishedAt.getTime() - startedAt.getTime(), error: null });
        }
        version = this.newest(set, await this.readLocal(client, target.schema, set.name));
      });
      return { target, applied, version };
    } catch (error) {
      const domainError = error instanceof DomainError ? error : new DomainError('MIGRATION_FAILED', `${target.key}: ${error instanceof Error ? error.message : String(error)}`);
      this.logger.warn(domainError.message);
      return { target, applied, version, error: domainError };
    }
  }

  private async ensureLocalLedger(client: Client): Promise<void> {
    // Serialised: concurrent CREATE SCHEMA IF NOT EXISTS can still collide on the catalog.
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

  private async readLocal(client: Client, schema: string, set: string): Promise<Map<string, string>> {
    const { rows } = await client.query<{ migration: string; checksum: string }>(
      'SELECT migration, checksum FROM switchyard_meta.migrations WHERE target_schema = $1 AND migration_set = $2',
      [schema, set],
    );
    return new Map(rows.map((r) => [r.migration, r.checksum]));
  }

  /** Refuses drift (an applied file changed or vanished) and out-of-order files, naming them. */
  private pendingFiles(set: MigrationSet, local: Map<string, string>): MigrationFile[] {
    let newestApplied = -1;
    for (const [name, checksum] of local) {
      const file = set.files.find((f) => f.name === name);
      if (!file) throw new DomainError('MIGRATION_DRIFT', `Applied migration ${name}.sql is missing from migrations/${set.name}/`, { migration: name });
      if (file.checksum !== checksum) {
        throw new DomainError('MIGRATION_DRIFT', `migrations/${set.name}/${name}.sql changed after it was applied (checksum mismatch)`, { migration: name });
      }
      newestApplied = Math.max(newestApplied, file.index);
    }
    const pending = set.files.filter((f) => !local.has(f.name));
    const outOfOrder = pending.find((f) => f.index < newestApplied);
    if (outOfOrder) {
      throw new DomainError('MIGRATION_OUT_OF_ORDER', `migrations/${set.name}/${outOfOrder.name}.sql is older than an applied migration and was never applied`, { migration: outOfOrder.name });
    }
    return pending;
  }

  private newest(set: MigrationSet, local: Map<string, string>): string | null {
    const applied = set.files.filter((f) => local.has(f.name));
    return applied.at(-1)?.name ?? null;
  }

  /** Brings the control-plane ledger in line with the target-local truth (e.g. after a crash or a clone). */
  private async reconcile(target: MigrationTarget, set: MigrationSet, local: Map<string, string>): Promise<void> {
    const known = new Map((await this.ledger.entriesFor(target.key)).map((e) => [e.migration, e]));
    for (const [migration, checksum] of local) {
      if (known.get(migration)?.status === 'applied') continue;
      const now = new Date();
      await this.ledger.record(target, { migration, checksum, status: 'applied', startedAt: now, finishedAt: now, durationMs: 0, error: null });
    }
    for (const [migration, entry] of known) {
      if (entry.status === 'running' && !local.has(migration) && set.files.some((f) => f.name === migration)) {
        await this.ledger.forgetMigration(target.key, migration);
      }
    }
  }

  /** Applies one file in its own transaction; false when a concurrent runner applied it first. */
  private async applyOne(client: Client, schema: string, set: MigrationSet, file: MigrationFile, appRole: string | undefined, options: RunOptions): Promise<boolean> {
    const { lockTimeoutMs, statementTimeoutMs } = { ...DEFAULTS, ...options };
    await client.query('BEGIN');
    try {
      await client.query('SELECT pg_advisory_xact_lock($1, hashtext($2))', [ADVISORY_LOCK_NAMESPACE, schema]);
      const { rowCount } = await client.query(
        'SELECT 1 FROM switchyard_meta.migrations WHERE target_schema = $1 AND migration_set = $2 AND migration = $3',
        [schema, set.name, file.name],
      );
      if (rowCount) {
        await client.query('COMMIT');
        return false;
      }
      await client.query(
        "SELECT set_config('search_path', $1, true), set_config('lock_timeout', $2, true), set_config('statement_timeout', $3, true)",
        [quoteIdent(schema), `${lockTimeoutMs}ms`, `${statementTimeoutMs}ms`],
      );
      for (const statement of file.statements) await client.query(statement);
      await client.query(
        'INSERT INTO switchyard_meta.migrations (target_schema, migration_set, migration, checksum) VALUES ($1, $2, $3, $4)',
        [schema, set.name, file.name, file.checksum],
      );
      if (appRole) {
        const s = quoteIdent(schema);
        const r = quoteIdent(appRole);
        await client.query(`GRANT USAGE ON SCHEMA ${s} TO ${r}; GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA ${s} TO ${r}`);
      }
      await client.query('COMMIT');
      return true;
    } catch (error) {
      await client.query('ROLLBACK').catch(() => undefined);
      throw error;
    }
  }
}
