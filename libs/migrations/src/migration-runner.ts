import { Injectable, Logger } from '@nestjs/common';
import { SwitchyardConfig } from '@switchyard/config';
import { LedgerRepository, ServerDirectory } from '@switchyard/control-plane';
import { DomainError, isDomainError } from '@switchyard/errors';
import {
  advisoryXactLock,
  ensureFenceSchema,
  inTransaction,
  isPgError,
  OwnerPools,
  PgErrorCode,
  quoteIdent,
} from '@switchyard/postgres';
import type { ClientBase } from 'pg';
import type { MigrationFile, MigrationSet } from './migration-files';
import { withInstallationLock } from './installation-lock';
import type { MigrationTarget } from './migration-target';
import { newestApplied, pendingMigrations } from './pending-migrations';
import { ensureLocalLedger, readLocalLedger } from './target-ledger.sql';

export interface TargetResult {
  target: MigrationTarget;
  applied: string[];
  /** The newest migration the target holds after the run. */
  version: string | null;
  error?: DomainError;
}

export interface TargetPlan {
  target: MigrationTarget;
  pending: string[];
  version: string | null;
  error?: DomainError;
}

export interface RunOptions {
  lockTimeoutMs?: number;
  lockRetries?: number;
  statementTimeoutMs?: number;
}

const errorMessage = (error: unknown) => (error instanceof Error ? error.message : String(error));

/**
 * Applies a migration set to one target: each pending migration in its own transaction, under a
 * per-target advisory lock, recorded in the target-local ledger in that same transaction (so a target is
 * never half-migrated, I7) and then in the control-plane ledger. A lock held by someone else is waited
 * for up to lock_timeout, retried a bounded number of times, then reported.
 */
@Injectable()
export class MigrationRunner {
  private readonly logger = new Logger(MigrationRunner.name);
  private readonly ledgerReady = new Set<string>();

  constructor(
    private readonly ledger: LedgerRepository,
    private readonly pools: OwnerPools,
    private readonly config: SwitchyardConfig,
    private readonly servers: ServerDirectory,
  ) {}

  /** Migrates the control-plane database itself; its ledger is only the local one (it may not exist yet). */
  async migrateControlPlane(url: string, set: MigrationSet, options: RunOptions = {}): Promise<string[]> {
    return this.pools.withClient(url, async (client) => {
      await this.ensureLedger(url, client);
      const applied: string[] = [];
      for (const file of pendingMigrations(set, await readLocalLedger(client, 'public', set.name))) {
        if (await this.applyWithRetries(client, 'public', set, file, undefined, options)) applied.push(file.name);
      }
      return applied;
    });
  }

  /** What a run would apply to `target`, reading only (dry run). */
  async planTarget(target: MigrationTarget, set: MigrationSet): Promise<TargetPlan> {
    try {
      return await this.pools.withClient(target.url, async (client) => {
        const local = await readLocalLedger(client, target.schema, set.name);
        return {
          target,
          pending: pendingMigrations(set, local).map((f) => f.name),
          version: newestApplied(set, local),
        };
      });
    } catch (error) {
      return { target, pending: [], version: null, error: this.asDomainError(target, error) };
    } finally {
      if (target.template) await this.pools.close(target.url);
    }
  }

  /** Migrates one target; failures are returned, not thrown, so a fleet run can go on. */
  async migrateTarget(target: MigrationTarget, set: MigrationSet, options: RunOptions = {}): Promise<TargetResult> {
    if (!target.template) return this.migrateOpenTarget(target, set, options);
    return withInstallationLock(this.servers.maintenanceUrl(target.server), 'exclusive', async () => {
      try {
        return await this.migrateOpenTarget(target, set, options);
      } finally {
        await this.pools.close(target.url);
      }
    });
  }

  private async migrateOpenTarget(
    target: MigrationTarget,
    set: MigrationSet,
    options: RunOptions,
  ): Promise<TargetResult> {
    const applied: string[] = [];
    let version: string | null = null;
    try {
      await this.pools.withClient(target.url, async (client) => {
        await this.ensureLedger(target.url, client, target.appRole);
        const local = await readLocalLedger(client, target.schema, set.name);
        await this.reconcile(target, set, local);
        for (const file of pendingMigrations(set, local)) {
          if (await this.applyRecorded(client, target, set, file, options)) applied.push(file.name);
          local.set(file.name, file.checksum);
        }
        version = newestApplied(set, local);
      });
      return { target, applied, version };
    } catch (error) {
      const domainError = this.asDomainError(target, error);
      this.logger.warn(domainError.message);
      return { target, applied, version, error: domainError };
    }
  }

  private asDomainError(target: MigrationTarget, error: unknown): DomainError {
    return isDomainError(error) ? error : new DomainError('MIGRATION_FAILED', `${target.key}: ${errorMessage(error)}`);
  }

  /**
   * The target-local ledger and, in a database holding tenant data, the read fence (a database from
   * before the fence existed gets it from its next `switchyard migrate`).
   */
  private async ensureLedger(url: string, client: ClientBase, appRole?: string): Promise<void> {
    if (this.ledgerReady.has(url)) return;
    await ensureLocalLedger(client);
    if (appRole) await ensureFenceSchema(client, appRole);
    this.ledgerReady.add(url);
  }

  /** Applies one file and records the attempt in the control-plane ledger. */
  private async applyRecorded(
    client: ClientBase,
    target: MigrationTarget,
    set: MigrationSet,
    file: MigrationFile,
    options: RunOptions,
  ): Promise<boolean> {
    const startedAt = new Date();
    const entry = { migration: file.name, checksum: file.checksum, startedAt };
    await this.ledger.record(target, { ...entry, status: 'running', finishedAt: null, durationMs: null, error: null });
    try {
      const applied = await this.applyWithRetries(client, target.schema, set, file, target.appRole, options);
      const finishedAt = new Date();
      await this.ledger.record(target, {
        ...entry,
        status: 'applied',
        finishedAt,
        durationMs: finishedAt.getTime() - startedAt.getTime(),
        error: null,
      });
      return applied;
    } catch (error) {
      const finishedAt = new Date();
      await this.ledger.record(target, {
        ...entry,
        status: 'failed',
        finishedAt,
        durationMs: finishedAt.getTime() - startedAt.getTime(),
        error: errorMessage(error),
      });
      throw new DomainError('MIGRATION_FAILED', `${file.name} failed on ${target.key}: ${errorMessage(error)}`, {
        migration: file.name,
      });
    }
  }

  /** Brings the control-plane ledger in line with the target-local truth (e.g. after a crash or a clone). */
  private async reconcile(target: MigrationTarget, set: MigrationSet, local: Map<string, string>): Promise<void> {
    const known = new Map((await this.ledger.entriesFor(target.key)).map((e) => [e.migration, e]));
    for (const [migration, checksum] of local) {
      if (known.get(migration)?.status === 'applied') continue;
      const now = new Date();
      await this.ledger.record(target, {
        migration,
        checksum,
        status: 'applied',
        startedAt: now,
        finishedAt: now,
        durationMs: 0,
        error: null,
      });
    }
    for (const [migration, entry] of known) {
      // A 'running' entry the target never committed: the runner died mid-migration; nothing was applied.
      if (entry.status === 'running' && !local.has(migration) && set.files.some((f) => f.name === migration)) {
        await this.ledger.forgetMigration(target.key, migration);
      }
    }
  }

  private async applyWithRetries(
    client: ClientBase,
    schema: string,
    set: MigrationSet,
    file: MigrationFile,
    appRole: string | undefined,
    options: RunOptions,
  ): Promise<boolean> {
    const retries = options.lockRetries ?? this.config.migrations.lockRetries;
    for (let attempt = 0; ; attempt++) {
      try {
        return await this.applyOne(client, schema, set, file, appRole, options);
      } catch (error) {
        if (!isPgError(error, PgErrorCode.lockNotAvailable) || attempt >= retries) throw error;
        this.logger.warn(`${file.name} on ${schema}: lock not available, retry ${attempt + 1}/${retries}`);
        await new Promise((resolve) => setTimeout(resolve, 250 * (attempt + 1)));
      }
    }
  }

  /** Applies one file in its own transaction; false when a concurrent runner applied it first. */
  private async applyOne(
    client: ClientBase,
    schema: string,
    set: MigrationSet,
    file: MigrationFile,
    appRole: string | undefined,
    options: RunOptions,
  ): Promise<boolean> {
    const lockTimeoutMs = options.lockTimeoutMs ?? this.config.migrations.lockTimeoutMs;
    const statementTimeoutMs = options.statementTimeoutMs ?? this.config.migrations.statementTimeoutMs;
    return inTransaction(client, async () => {
      await advisoryXactLock(client, 'migration', schema);
      const { rowCount } = await client.query(
        'SELECT 1 FROM switchyard_meta.migrations WHERE target_schema = $1 AND migration_set = $2 AND migration = $3',
        [schema, set.name, file.name],
      );
      if (rowCount) return false;
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
        await client.query(
          `GRANT USAGE ON SCHEMA ${s} TO ${r}; GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA ${s} TO ${r}`,
        );
      }
      return true;
    });
  }
}
