import { type ExecutionContext, Injectable } from '@nestjs/common';
import { AuthGuard } from '@nestjs/passport';
import { DomainError, isDomainError } from '@switchyard/errors';
import type { AuthenticatedRequest, VerifiedClaims } from './claims';

/** Verifies the bearer token; every failure becomes UNAUTHENTICATED (401), never an HTTP exception. */
@Injectable()
export class JwtAuthGuard extends AuthGuard('jwt') {
  override handleRequest<TUser = VerifiedClaims>(error: unknown, user: TUser | false, info: unknown): TUser {
    if (isDomainError(error)) throw error;
    if (error || !user) {
      const reason = info instanceof Error ? info.message : 'Missing or invalid bearer token';
      throw new DomainError('UNAUTHENTICATED', reason === 'No auth token' ? 'Missing bearer token' : reason);
    }
    return user;
  }
}

/** A verified token whose `roles` claim contains `ops` (control-plane API). */
@Injectable()
export class OpsGuard extends JwtAuthGuard {
  override async canActivate(context: ExecutionContext): Promise<boolean> {
    await super.canActivate(context);
    const claims = context.switchToHttp().getRequest<AuthenticatedRequest>().user;
    if (!claims?.roles?.includes('ops')) throw new DomainError('FORBIDDEN', 'This API needs a token with the ops role');
    return true;
  }
}
