import { type CanActivate, type ExecutionContext, Inject, Injectable, Optional } from '@nestjs/common';
import { DomainError } from '@switchyard/errors';
import type { IncomingHttpHeaders } from 'node:http';
import type { AuthenticatedRequest, VerifiedClaims } from './claims';
import { consoleCookieOf, OPS_SESSIONS, refuseCrossSiteWrite, type OpsSessionLookup } from './ops-sessions';
import { TokenVerifier } from './token-verifier';

type HeaderedRequest = AuthenticatedRequest & { headers: IncomingHttpHeaders; method: string };

/** Verifies the bearer token; every failure becomes UNAUTHENTICATED (401), never an HTTP exception. */
@Injectable()
export class JwtAuthGuard implements CanActivate {
  constructor(protected readonly tokens: TokenVerifier) {}

  canActivate(context: ExecutionContext): boolean | Promise<boolean> {
    this.authenticate(context);
    return true;
  }

  /** Verifies the request's token and records its claims on the request as `user`. */
  protected authenticate(context: ExecutionContext): VerifiedClaims {
    const request = context.switchToHttp().getRequest<HeaderedRequest>();
    const claims = this.tokens.verifyHeader(request.headers.authorization);
    request.user = claims;
    return claims;
  }
}

/**
 * An operator (control-plane API): a verified token whose `roles` claim contains `ops`, or — where the
 * app provides console sessions — the console's session cookie, with its CSRF checks on writes.
 */
@Injectable()
export class OpsGuard extends JwtAuthGuard {
  constructor(
    tokens: TokenVerifier,
    @Optional() @Inject(OPS_SESSIONS) private readonly sessions?: OpsSessionLookup,
  ) {
    super(tokens);
  }

  override canActivate(context: ExecutionContext): boolean | Promise<boolean> {
    const request = context.switchToHttp().getRequest<HeaderedRequest>();
    const cookie = this.sessions && !request.headers.authorization ? consoleCookieOf(request.headers) : undefined;
    if (cookie !== undefined) return this.authenticateSession(request, cookie);
    const claims = this.authenticate(context);
    if (!claims.roles?.includes('ops')) throw new DomainError('FORBIDDEN', 'This API needs a token with the ops role');
    return true;
  }

  private async authenticateSession(request: HeaderedRequest, cookie: string): Promise<boolean> {
    const session = await this.sessions?.find(cookie);
    if (!session) throw new DomainError('UNAUTHENTICATED', 'Your console session has ended: sign in again');
    refuseCrossSiteWrite(request, session.csrfToken);
    request.user = {
      sub: session.operator,
      roles: ['ops'],
      exp: Math.floor(session.expiresAt.getTime() / 1000),
    };
    return true;
  }
}
