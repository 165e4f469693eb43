export { AuthModule } from './auth.module';
export { JwtAuthGuard, OpsGuard } from './guards';
export { TokenIssuer } from './token-issuer';
export type { TokenRequest } from './token-issuer';
export { TokenVerifier } from './token-verifier';
export type { AuthenticatedRequest, VerifiedClaims } from './claims';
export { CONSOLE_COOKIE, consoleCookieOf, OPS_SESSIONS, refuseCrossSiteWrite } from './ops-sessions';
export type { OpsSession, OpsSessionLookup } from './ops-sessions';
