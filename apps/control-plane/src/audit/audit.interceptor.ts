import { type CallHandler, type ExecutionContext, Injectable, Logger, type NestInterceptor } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { AuthenticatedRequest } from '@switchyard/auth';
import { AuditLogRepository, type AuditEntry } from '@switchyard/control-plane';
import { isDomainError } from '@switchyard/errors';
import type { Request } from 'express';
import { catchError, from, mergeMap, Observable, throwError } from 'rxjs';
import { AUDITED, type AuditSpec } from './audited.decorator';

/**
 * Appends one audit record per audited action, after it ends, whatever its outcome (a refused request
 * — bad input, conflict — is recorded as failed with its code). Runs after the ops guard, so the actor
 * is always a verified token subject.
 */
@Injectable()
export class AuditInterceptor implements NestInterceptor {
  private readonly logger = new Logger(AuditInterceptor.name);

  constructor(
    private readonly reflector: Reflector,
    private readonly audit: AuditLogRepository,
  ) {}

  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    const spec = this.reflector.get<AuditSpec | undefined>(AUDITED, context.getHandler());
    if (!spec) return next.handle();
    const request = context.switchToHttp().getRequest<Request & AuthenticatedRequest>();
    const entry = (result: unknown, outcome: AuditEntry['outcome'], error?: unknown): AuditEntry => ({
      actor: request.user?.sub ?? 'unknown',
      action: typeof spec.action === 'string' ? spec.action : spec.action(request),
      target: safe(() => spec.target(request, result)),
      outcome,
      details: error ? { code: isDomainError(error) ? error.code : 'ERROR', message: error instanceof Error ? error.message : String(error) } : undefined,
    });
    return next.handle().pipe(
      // A migration run is accepted (202) now and judged later, in its run record.
      mergeMap((result) => from(this.write(entry(result, 'succeeded')).then(() => result))),
      catchError((error: unknown) => from(this.write(entry(undefined, 'failed', error))).pipe(mergeMap(() => throwError(() => error)))),
    );
  }

  private async write(entry: AuditEntry): Promise<void> {
    await this.audit.append(entry).catch((error: unknown) => this.logger.error(`audit write failed: ${error instanceof Error ? error.message : error}`));
  }
}

/** The target as given (it may be unvalidated input): control characters escaped, length bounded. */
function safe(fn: () => string | null): string | null {
  try {
    const target = fn();
    if (target === null) return null;
    return JSON.stringify(String(target)).slice(1, -1).slice(0, 256);
  } catch {
    return null;
  }
}
