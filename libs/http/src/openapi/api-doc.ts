import { SetMetadata } from '@nestjs/common';
import type { ErrorCode } from '@switchyard/errors';
import type { z } from 'zod';

export const API_DOC_METADATA = 'switchyard:api-doc';

/** What the OpenAPI document says of one route beyond what Nest and its validation pipes already know. */
export interface ApiDocMeta {
  summary: string;
  description?: string;
  /** The success body (omit for 204). */
  response?: z.ZodType;
  /** The domain errors this route answers on purpose, beyond validation, auth and platform failures. */
  errors?: ErrorCode[];
  /** Public routes (health, metrics, the document itself) need no token. */
  public?: boolean;
  /** `read`: ETag and If-None-Match (304); `write`: If-Match (412 when stale). */
  conditional?: 'read' | 'write';
  /** A Server-Sent Events stream: how its events go; `response` is then the data of each event. */
  stream?: string;
  /** Headers the route reads, e.g. Idempotency-Key. */
  headers?: { name: string; description: string; required?: boolean }[];
  /** A request body that is not JSON but a file of this media type, streamed to the handler. */
  requestMediaType?: string;
  /** A success body that is not JSON but a file of this media type (a download). */
  responseMediaType?: string;
}

/** Documents a route; request parameters and bodies come from its ZodValidationPipes, not from here. */
export const ApiDoc = (meta: ApiDocMeta) => SetMetadata(API_DOC_METADATA, meta);
