import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import { Inject, Injectable, Logger, Optional } from '@nestjs/common';
import { SwitchyardConfig } from '@switchyard/config';
import {
  AuditLogRepository,
  OffboardingsRepository,
  PlacementInvalidations,
  SYSTEM_ACTOR,
  TenantsService,
  type AuditActor,
  type OffboardingRecord,
  type OffboardingState,
} from '@switchyard/control-plane';
import { DomainError, isDomainError } from '@switchyard/errors';
import { isUuid } from '@switchyard/postgres';
import type { ErasureProof } from './erasure-proof';
import { DEFAULT_GRACE, parseGrace } from './grace';
import {
  exportToFile,
  OFFBOARDING_EXPORTER,
  type ExportReceipt,
  type OffboardingExporter,
} from './offboarding-exporter';
import { TenantEraser, type ErasureSteps } from './tenant-eraser';

export interface OffboardingRequest {
  /** `0`, `90s`, `30m`, `1h`, `7d`, `2w` (default 7d), or milliseconds. */
  grace?: string | number;
  /**
   * Write the tenant's archive before anything is erased. Through the API, to OFFBOARDING_EXPORT_DIR
   * (by the control plane, when erasing starts); the CLI writes it to a local file itself (exportToFile).
   */
  export?: boolean;
  /** Claim the offboarding for this process at once (a CLI that exports, or erases, itself). */
  claim?: boolean;
}

/** What an offboarding's `result` holds once erased: what was removed, and the proof. */
export interface OffboardingResult {
  erased: ErasureSteps;
  proof: ErasureProof;
}

/** Attempts at an erasure (each re-runs every idempotent step) before it is marked failed. */
const MAX_ATTEMPTS = 3;
/** Pause before the next attempt, times the attempts so far. */
const RETRY_MS = 10_000;
const HEARTBEAT_MS = 1_000;

class ClaimLost extends Error {}

/**
 * Offboarding: suspend the tenant at once, optionally export it, and erase it everywhere once its
 * grace period has passed, with the proof recorded in the audit log (`tenant.erase`) and in the
 * offboarding. Every step is audited: `tenant.offboard` (with the suspension), `tenant.offboard-cancel`
 * (with the resumption), `tenant.delete` (the live placement), `tenant.erase` (the proof).
 */
@Injectable()
export class OffboardingService {
  private readonly logger = new Logger(OffboardingService.name);
  readonly worker = `${process.pid}-${randomUUID().slice(0, 8)}`;

  constructor(
    private readonly config: SwitchyardConfig,
    private readonly tenants: TenantsService,
    private readonly offboardings: OffboardingsRepository,
    private readonly audit: AuditLogRepository,
    private readonly invalidations: PlacementInvalidations,
    private readonly eraser: TenantEraser,
    @Optional() @Inject(OFFBOARDING_EXPORTER) private readonly exporter?: OffboardingExporter,
  ) {}

  /** Whether archives can be written at all (the archive library is wired in). */
  canExport(): boolean {
    return this.exporter !== undefined;
  }

  /** Suspends the tenant and schedules its erasure (now + grace); 202 material. */
  async request(ref: string, request: OffboardingRequest, by: AuditActor = SYSTEM_ACTOR): Promise<OffboardingRecord> {
    const graceMs = typeof request.grace === 'number' ? request.grace : parseGrace(request.grace ?? DEFAULT_GRACE);
    if (request.export && !this.exporter)
      throw new DomainError('VALIDATION_FAILED', 'export is not available: no archive exporter is installed');
    if (request.export && !request.claim && !this.config.offboardingExportDir)
      throw new DomainError(
        'VALIDATION_FAILED',
        'export needs OFFBOARDING_EXPORT_DIR, where the control plane writes archives',
      );
    const tenant = await this.tenants.get(ref);
    const record = await this.offboardings.schedule(
      {
        tenantId: tenant.id,
        graceMs,
        exportRequested: Boolean(request.export),
        worker: request.claim ? this.worker : undefined,
      },
      by,
    );
    await this.invalidations.publish(tenant.id);
    this.logger.log(
      `offboarding ${record.id}: ${tenant.slug} suspended, erased after ${record.eraseAfter.toISOString()}`,
    );
    return record;
  }

  async get(id: string): Promise<OffboardingRecord> {
    const record = isUuid(id) ? await this.offboardings.findById(id) : undefined;
    if (!record) throw new DomainError('OFFBOARDING_NOT_FOUND', `No offboarding ${id}`);
    return record;
  }

  /** Newest first; `tenant` is a tenant id or slug (the tenant may be gone: its offboardings remain). */
  list(filter: { tenant?: string; state?: OffboardingState; limit?: number }): Promise<OffboardingRecord[]> {
    const ref = filter.tenant;
    return this.offboardings.list({
      tenantId: ref && isUuid(ref) ? ref : undefined,
      tenantSlug: ref && !isUuid(ref) ? ref : undefined,
      state: filter.state,
      limit: filter.limit ?? 50,
    });
  }

  /**
   * Cancels an offboarding during its grace period: the tenant gets back the status it had. Once
   * erasing has started it is OFFBOARDING_NOT_CANCELLABLE. A refusal is audited too.
   */
  async cancel(id: string, by: AuditActor = SYSTEM_ACTOR): Promise<OffboardingRecord> {
    const refuse = async (error: DomainError, record?: OffboardingRecord) => {
      await this.audit
        .append({
          actor: by.actor,
          action: 'tenant.offboard-cancel',
          target: record?.tenantId ?? null,
          targetSlug: record?.tenantSlug ?? null,
          outcome: 'failed',
          details: { code: error.code, message: error.message, offboardingId: id },
        })
        .catch((e: unknown) => this.logger.error(`the refused cancel could not be recorded: ${messageOf(e)}`));
      return error;
    };
    const record = isUuid(id) ? await this.offboardings.findById(id) : undefined;
    if (!record) throw await refuse(new DomainError('OFFBOARDING_NOT_FOUND', `No offboarding ${id}`));
    const cancelled = await this.offboardings.cancel(id, by);
    if (!cancelled) {
      const now = (await this.offboardings.findById(id)) ?? record;
      const message = `Offboarding ${id} is ${now.state === 'scheduled' ? 'erasing' : now.state}; it can no longer be cancelled`;
      throw await refuse(new DomainError('OFFBOARDING_NOT_CANCELLABLE', message), now);
    }
    await this.invalidations.publish(cancelled.tenantId);
    return cancelled;
  }

  /**
   * Writes the tenant's archive to a new local file before anything is erased (the CLI's --export),
   * holding the offboarding's claim meanwhile (this process must have claimed it: `claim: true`).
   */
  async exportTo(record: OffboardingRecord, file: string): Promise<ExportReceipt> {
    const exporter = this.exporter;
    if (!exporter)
      throw new DomainError('VALIDATION_FAILED', 'export is not available: no archive exporter is installed');
    const receipt = await this.whileClaimed(record.id, () =>
      exportToFile(exporter, record.tenantId, file, { actor: record.requestedBy }),
    );
    if (!(await this.offboardings.updateClaimed(record.id, this.worker, { export: receipt })))
      throw new Error(
        `offboarding ${record.id} was taken over or cancelled while exporting; the archive is in ${file}`,
      );
    return receipt;
  }

  /** Lets the control plane's worker carry out an offboarding this process claimed (the CLI, grace > 0). */
  async release(record: OffboardingRecord): Promise<void> {
    await this.offboardings.unclaim(record.id, this.worker);
  }

  /**
   * Carries out an offboarding here if it is due and free (or already this process's): erases the
   * tenant and records the proof. Returns the record as it is afterwards, whoever ran it.
   */
  async execute(id: string, step?: (what: string) => void): Promise<OffboardingRecord> {
    const claimed = await this.offboardings.claim(id, this.worker, this.config.moves.staleMs);
    if (claimed) await this.run(claimed, step);
    return this.get(id);
  }

  /** The worker's turn: carries out the oldest due offboarding, if any; whether there was one. */
  async runDue(): Promise<boolean> {
    const claimed = await this.offboardings.claimDue(this.worker, this.config.moves.staleMs);
    if (!claimed) return false;
    await this.run(claimed);
    return true;
  }

  private async run(record: OffboardingRecord, step: (what: string) => void = () => undefined): Promise<void> {
    const { id } = record;
    try {
      const { steps, proof } = await this.whileClaimed(id, async () => {
        if (record.exportRequested && !record.export) {
          step('exporting');
          await this.exportBeforeErasing(record);
        }
        return this.eraser.erase(record, this.worker, step);
      });
      const clean = proof.rowsFound === 0 && proof.leftovers.length === 0;
      const result: OffboardingResult = { erased: steps, proof };
      await this.offboardings.finish(id, this.worker, {
        state: clean ? 'done' : 'failed',
        result,
        error: clean ? null : `${proof.leftovers.length} leftover(s) with the tenant's id, ${proof.rowsFound} row(s)`,
        audit: {
          databasesChecked: proof.databasesChecked,
          tablesChecked: proof.tablesChecked,
          rowsFound: proof.rowsFound,
          leftovers: proof.leftovers,
          servers: proof.servers,
          skipped: proof.skipped,
          kept: proof.kept,
        },
      });
      this.logger.log(
        `offboarding ${id}: ${record.tenantSlug} erased; ${proof.databasesChecked} databases and ${proof.tablesChecked} tables checked, ${proof.rowsFound} rows found`,
      );
    } catch (error) {
      if (error instanceof ClaimLost) return this.logger.warn(`offboarding ${id}: taken over by another worker`);
      const message = messageOf(error);
      this.logger.error(`offboarding ${id} (attempt ${record.attempts}): ${message}`);
      // An export that was asked for and not written stops the erasure for good: nothing was erased.
      const final = record.attempts >= MAX_ATTEMPTS || isDomainError(error, 'VALIDATION_FAILED');
      if (!final) return this.offboardings.release(id, this.worker, message, RETRY_MS * record.attempts);
      await this.offboardings.finish(id, this.worker, {
        state: 'failed',
        result: null,
        error: message,
        audit: { attempts: record.attempts },
      });
    }
  }

  /** The API's export: an archive in OFFBOARDING_EXPORT_DIR before erasing; without one, nothing is erased. */
  private async exportBeforeErasing(record: OffboardingRecord): Promise<void> {
    const dir = this.config.offboardingExportDir;
    if (!this.exporter || !dir)
      throw new DomainError(
        'VALIDATION_FAILED',
        'an export was requested but cannot be written here (no exporter or no OFFBOARDING_EXPORT_DIR); nothing was erased',
      );
    const file = join(dir, `${record.tenantSlug}-${record.id}.archive`);
    const receipt = await exportToFile(this.exporter, record.tenantId, file, { actor: record.requestedBy });
    if (!(await this.offboardings.updateClaimed(record.id, this.worker, { export: receipt }))) throw new ClaimLost();
  }

  /** Runs `fn` while beating for the claim; fails with ClaimLost if another worker took it over meanwhile. */
  private async whileClaimed<T>(id: string, fn: () => Promise<T>): Promise<T> {
    let lost = false;
    const beat = setInterval(() => {
      void this.offboardings.heartbeat(id, this.worker).then(
        (held) => (lost ||= !held),
        (error: unknown) => this.logger.warn(`heartbeat of offboarding ${id}: ${messageOf(error)}`),
      );
    }, HEARTBEAT_MS);
    try {
      const result = await fn();
      if (lost) throw new ClaimLost();
      return result;
    } finally {
      clearInterval(beat);
    }
  }
}

const messageOf = (error: unknown) => (error instanceof Error ? error.message : String(error));
