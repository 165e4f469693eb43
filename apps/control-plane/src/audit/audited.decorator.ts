import { SetMetadata } from '@nestjs/common';
import type { Request } from 'express';

export interface AuditSpec {
  /** The action recorded, possibly depending on the request (PATCH status → suspend / resume). */
  action: string | ((request: Request) => string);
  /** What a refused request was about, as given (only text is kept): a tenant reference, a move id. */
  subject?: (request: Request) => { tenant?: unknown; move?: unknown };
}

export const AUDITED = Symbol('AUDITED');

/**
 * Marks a handler as a control-plane action. Its success is recorded by the action itself, in the
 * transaction of its effect; a refusal is recorded by AuditInterceptor, with the token's `sub` as actor.
 */
export const Audited = (spec: AuditSpec) => SetMetadata(AUDITED, spec);
