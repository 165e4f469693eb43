import { Injectable } from '@nestjs/common';
import { isDomainError } from '@switchyard/errors';
import { isUuid } from '@switchyard/postgres';
import { MovesRepository } from '../moves/moves.repository';
import { TenantsRepository } from '../tenants/tenants.repository';
import { SLUG_PATTERN } from '../tenants/tenants.service';
import { auditText, type AuditActor } from './audit-actor';
import { AuditLogRepository } from './audit-log.repository';

/** What a refused request was about, as given (unvalidated): a tenant id or slug, or a move id. */
export interface RefusalSubject {
  tenant?: string;
  move?: string;
}

interface Target {
  target: string | null;
  targetSlug: string | null;
  details: Record<string, unknown>;
}

const NO_TARGET: Target = { target: null, targetSlug: null, details: {} };

/**
 * Records a refused action (bad input, conflict, not found, failed provisioning) after the fact: it
 * had no effect to share a transaction with. Its target is resolved like a success's — the tenant id
 * and slug — when the reference names a tenant; otherwise the reference is kept as given.
 */
@Injectable()
export class RefusalRecorder {
  constructor(
    private readonly audit: AuditLogRepository,
    private readonly tenants: TenantsRepository,
    private readonly moves: MovesRepository,
  ) {}

  async record(by: AuditActor, action: string, subject: RefusalSubject, error: unknown): Promise<void> {
    const { target, targetSlug, details } = await this.resolve(subject).catch(() => this.unresolved(subject));
    const code = isDomainError(error) ? error.code : 'ERROR';
    const message = error instanceof Error ? error.message : String(error);
    const entry = { actor: by.actor, action, target, targetSlug, details: { code, message, ...details } };
    await this.audit.append({ ...entry, outcome: 'failed' });
  }

  private async resolve(subject: RefusalSubject): Promise<Target> {
    if (subject.move !== undefined) {
      const move = isUuid(subject.move) ? await this.moves.findById(subject.move) : undefined;
      if (!move) return this.unresolved(subject);
      const tenant = await this.tenants.findById(move.tenantId);
      return { target: move.tenantId, targetSlug: tenant?.slug ?? null, details: { moveId: move.id } };
    }
    if (subject.tenant !== undefined) {
      const ref = subject.tenant;
      const tenant = isUuid(ref)
        ? await this.tenants.findById(ref)
        : SLUG_PATTERN.test(ref)
          ? await this.tenants.findBySlug(ref)
          : undefined;
      if (tenant) return { target: tenant.id, targetSlug: tenant.slug, details: {} };
    }
    return this.unresolved(subject);
  }

  /** A reference naming nothing: a UUID stays the target, a slug the slug; anything else goes to details, escaped. */
  private unresolved(subject: RefusalSubject): Target {
    if (subject.move !== undefined) return { ...NO_TARGET, details: { moveId: auditText(String(subject.move)) } };
    const ref = subject.tenant;
    if (ref === undefined) return NO_TARGET;
    if (isUuid(ref)) return { ...NO_TARGET, target: ref };
    if (SLUG_PATTERN.test(ref)) return { ...NO_TARGET, targetSlug: ref };
    return { ...NO_TARGET, details: { ref: auditText(String(ref)) } };
  }
}
