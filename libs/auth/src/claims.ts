/** The claims Switchyard reads from a verified token (shared between requests: never mutated). */
export interface VerifiedClaims {
  readonly sub: string;
  /** Tenant UUID (tenant API tokens). */
  readonly tid?: string;
  readonly roles?: readonly string[];
  readonly exp: number;
}

/** A request that passed JWT verification. */
export interface AuthenticatedRequest {
  user?: VerifiedClaims;
}
