import { createHash } from 'node:crypto';
import { type CallHandler, type ExecutionContext, Inject, Injectable, type NestInterceptor } from '@nestjs/common';
import { DomainError } from '@switchyard/errors';
import { IdempotencyService } from './idempotency.service';
import { KEY_STORE_FOR_REQUEST, type KeyStoreForRequest } from './key-store';
import type { Request, Response } from 'express';
import { catchError, from, mergeMap, of, type Observable } from 'rxjs';

/** Printable ASCII without spaces, as clients generate them (UUIDs, ULIDs, hashes). */
const KEY = /^[\x21-\x7e]{1,255}$/;

/**
 * `Idempotency-Key` on a POST: the first request with a key runs and its response (status, body and
 * Location) is kept with the caller's keys; a retry with the same key and body gets that response again
 * (`Idempotency-Replayed: true`) instead of a second row. A request that fails gives its key back, so a retry runs afresh.
 * The app says where a request's keys live (KEY_STORE_FOR_REQUEST); on the tenant API this runs
 * inside the tenant's scope (after TenantGuard entered it).
 */
@Injectable()
export class IdempotencyInterceptor implements NestInterceptor {
  constructor(
    private readonly idempotency: IdempotencyService,
    @Inject(KEY_STORE_FOR_REQUEST) private readonly storeFor: KeyStoreForRequest,
  ) {}

  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    const http = context.switchToHttp();
    const request = http.getRequest<Request>();
    const header = request.headers['idempotency-key'];
    if (header === undefined) return next.handle();
    if (typeof header !== 'string' || !KEY.test(header))
      throw new DomainError('VALIDATION_FAILED', 'Idempotency-Key must be 1–255 printable ASCII characters', {
        errors: [{ path: 'Idempotency-Key', message: 'must be 1–255 printable ASCII characters without spaces' }],
      });
    const response = http.getResponse<Response>();
    const store = this.storeFor(request);
    const requestHash = createHash('sha256')
      .update(`${request.method} ${request.route?.path as string}\n${JSON.stringify(request.body ?? null)}`)
      .digest('base64url');

    return from(this.idempotency.begin(store, header, requestHash)).pipe(
      mergeMap((decision) => {
        if (!decision.run) {
          response.status(decision.status).setHeader('Idempotency-Replayed', 'true');
          if (decision.location !== null) response.setHeader('Location', decision.location);
          return of(decision.response);
        }
        return next.handle().pipe(
          mergeMap(async (body: unknown) => {
            // Nest set the route's status before interceptors run; the handler may have changed it (200 for a resumed creation).
            const location = response.getHeader('Location');
            await store.complete(
              header,
              response.statusCode,
              JSON.parse(JSON.stringify(body ?? null)) as unknown,
              typeof location === 'string' ? location : undefined,
            );
            return body;
          }),
          catchError(async (error: unknown) => {
            await store.release(header).catch(() => undefined);
            throw error;
          }),
        );
      }),
    );
  }
}

/** How the OpenAPI document describes the header on each POST that honours it. */
export const IDEMPOTENCY_KEY_DOC = {
  name: 'Idempotency-Key',
  description:
    'Makes a retry safe: the same key with the same body replays the first response (Idempotency-Replayed: true); ' +
    'with another body it is 422. Kept for IDEMPOTENCY_RETENTION_H.',
};
