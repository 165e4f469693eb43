/** The claims Switchyard reads from a verified token. */
export interface VerifiedClaims {
  sub: string;
  /** Tenant UUID (tenant API tokens). */
  tid?: string;
  roles?: string[];
  exp: number;
}

/** A request that passed JWT verification. */
export interface AuthenticatedRequest {
  user?: VerifiedClaims;
}
