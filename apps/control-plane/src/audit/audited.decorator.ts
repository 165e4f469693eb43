import { SetMetadata } from '@nestjs/common';
import type { Request } from 'express';

export interface AuditSpec {
  /** The action recorded, possibly depending on the request (PATCH status → suspend / resume). */
  action: string | ((request: Request) => string);
  /** What the action was about: a tenant reference, a run id… */
  target: (request: Request, result: unknown) => string | null;
}

export const AUDITED = Symbol('AUDITED');

/** Records this handler's outcome in the audit trail, with the token's `sub` as actor. */
export const Audited = (spec: AuditSpec) => SetMetadata(AUDITED, spec);
