import {
  type ArgumentsHost,
  Catch,
  type ExceptionFilter,
  HttpException,
  Logger,
  NotFoundException,
} from '@nestjs/common';
import { DomainError, type ErrorCode } from '@switchyard/errors';
import { pgErrorOf, platformFailureOf } from '@switchyard/postgres';
import type { Request, Response } from 'express';
import { allowedMethods } from './allowed-methods';
import { requestIdOf } from './request-id';
import { problem, PROBLEM_CONTENT_TYPE, type Problem } from './problem';

export type StatusMap = Record<ErrorCode, number>;

const DEFAULT_RETRY_AFTER_SECONDS = 1;

/**
 * Turns every error into application/problem+json. Domain codes map through the app's own table (the
 * same code may mean 403 in the tenant API and 404 in the control-plane API); anything unknown is a 500
 * whose detail reveals nothing.
 */
@Catch()
export class ProblemDetailsFilter implements ExceptionFilter {
  private readonly logger = new Logger('ProblemDetails');

  constructor(private readonly statuses: StatusMap) {}

  catch(exception: unknown, host: ArgumentsHost): void {
    const request = host.switchToHttp().getRequest<Request>();
    const response = host.switchToHttp().getResponse<Response>();
    const body = { ...this.problemFor(exception, request, response), requestId: requestIdOf(request) };
    response.status(body.status).type(PROBLEM_CONTENT_TYPE).send(JSON.stringify(body));
  }

  private problemFor(exception: unknown, request: Request, response: Response): Problem {
    // No route matched: Nest's own NotFoundException (apps and libraries throw domain errors only). A path
    // that exists under other methods is a 405 naming them, not a 404.
    if (exception instanceof NotFoundException) {
      const allowed = allowedMethods(request);
      if (allowed.length) {
        response.setHeader('Allow', allowed.join(', '));
        return problem(405, `${request.method} is not allowed here; use ${allowed.join(', ')}`);
      }
    }
    const body = this.toProblem(exception);
    if (body.status === 401) response.setHeader('WWW-Authenticate', 'Bearer');
    if (body.status === 503) {
      const retryAfter = exception instanceof DomainError ? exception.details?.retryAfterSeconds : undefined;
      response.setHeader(
        'Retry-After',
        String(typeof retryAfter === 'number' ? retryAfter : DEFAULT_RETRY_AFTER_SECONDS),
      );
    }
    return body;
  }

  private toProblem(exception: unknown): Problem {
    if (exception instanceof DomainError) {
      const status = this.statuses[exception.code] ?? 500;
      const errors = exception.details?.errors as Problem['errors'];
      if (status >= 500 && status !== 503) this.logger.error(`${exception.code}: ${exception.message}`);
      return problem(status, exception.message, { code: exception.code, ...(errors ? { errors } : {}) });
    }
    // The platform failed (database down, connection lost, timeout): 503, never 500.
    const failure = platformFailureOf(exception);
    if (failure) {
      this.logger.warn(`${failure.code}: ${exception instanceof Error ? exception.message : String(exception)}`);
      return problem(503, failure.message, { code: failure.code });
    }
    // Backstop: a value PostgreSQL refuses as data (SQLSTATE class 22) is bad input, not a server fault.
    if (pgErrorOf(exception)?.code.startsWith('22'))
      return problem(400, 'A value is not acceptable', { code: 'VALIDATION_FAILED' });
    if (exception instanceof HttpException) {
      const status = exception.getStatus();
      const response = exception.getResponse();
      const detail =
        typeof response === 'string' ? response : ((response as { message?: unknown }).message ?? exception.message);
      return problem(status, Array.isArray(detail) ? detail.join('; ') : String(detail));
    }
    this.logger.error(exception instanceof Error ? (exception.stack ?? exception.message) : String(exception));
    return problem(500, 'An unexpected error occurred');
  }
}
