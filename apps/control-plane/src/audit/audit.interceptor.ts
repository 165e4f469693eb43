import { type CallHandler, type ExecutionContext, Injectable, Logger, type NestInterceptor } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { AuthenticatedRequest } from '@switchyard/auth';
import { auditActor, RefusalRecorder, type RefusalSubject } from '@switchyard/control-plane';
import type { Request } from 'express';
import { catchError, from, mergeMap, Observable, throwError } from 'rxjs';
import { AUDITED, type AuditSpec } from './audited.decorator';

/**
 * Records a refused audited action (bad input, conflict, not found, a failed provisioning) as failed
 * with its code, after it ends. A success is not written here: the action recorded it in the
 * transaction of its effect, or did not happen. Runs after the ops guard, so the actor is always a
 * verified token subject.
 */
@Injectable()
export class AuditInterceptor implements NestInterceptor {
  private readonly logger = new Logger(AuditInterceptor.name);

  constructor(
    private readonly reflector: Reflector,
    private readonly refusals: RefusalRecorder,
  ) {}

  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    const spec = this.reflector.get<AuditSpec | undefined>(AUDITED, context.getHandler());
    if (!spec) return next.handle();
    const request = context.switchToHttp().getRequest<Request & AuthenticatedRequest>();
    return next
      .handle()
      .pipe(
        catchError((error: unknown) =>
          from(this.recordRefusal(request, spec, error)).pipe(mergeMap(() => throwError(() => error))),
        ),
      );
  }

  /** Never hides the refusal itself: a record that cannot be written is logged, and the error goes on. */
  private async recordRefusal(request: Request & AuthenticatedRequest, spec: AuditSpec, error: unknown): Promise<void> {
    let action = 'unknown';
    try {
      action = typeof spec.action === 'string' ? spec.action : spec.action(request);
      await this.refusals.record(auditActor(request.user?.sub), action, subjectOf(spec, request), error);
    } catch (writeError) {
      const reason = writeError instanceof Error ? writeError.message : String(writeError);
      this.logger.error(`audit: the refused ${action} could not be recorded: ${reason}`);
    }
  }
}

/** The subject as given, kept only where it is text (a body may hold anything). */
function subjectOf(spec: AuditSpec, request: Request): RefusalSubject {
  try {
    const subject = spec.subject?.(request) ?? {};
    const text = (value: unknown) => (typeof value === 'string' ? value : undefined);
    return { tenant: text(subject.tenant), move: text(subject.move) };
  } catch {
    return {};
  }
}
