import { type CanActivate, type ExecutionContext, Injectable } from '@nestjs/common';
import { DomainError } from '@switchyard/errors';
import type { IncomingHttpHeaders } from 'node:http';
import type { AuthenticatedRequest, VerifiedClaims } from './claims';
import { TokenVerifier } from './token-verifier';

type HeaderedRequest = AuthenticatedRequest & { headers: IncomingHttpHeaders };

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

/** A verified token whose `roles` claim contains `ops` (control-plane API). */
@Injectable()
export class OpsGuard extends JwtAuthGuard {
  override canActivate(context: ExecutionContext): boolean {
    const claims = this.authenticate(context);
    if (!claims.roles?.includes('ops')) throw new DomainError('FORBIDDEN', 'This API needs a token with the ops role');
    return true;
  }
}
