import type { NestExpressApplication } from '@nestjs/platform-express';
import { json, type NextFunction, type Request, type Response } from 'express';
import type { Server } from 'node:http';
import type { Duplex } from 'node:stream';
import { problem, PROBLEM_CONTENT_TYPE, rawProblemResponse } from './problem';
import { assignRequestId, requestIdOf } from './request-id';

const utf8 = new TextDecoder('utf-8', { fatal: true });

interface BodyParserError extends Error {
  type?: string;
  status?: number;
}

const BODY_ERRORS: Record<string, [number, string]> = {
  'entity.too.large': [413, 'Request body is too large'],
  'entity.parse.failed': [400, 'Request body is not valid JSON'],
  'encoding.unsupported': [415, 'Unsupported content encoding'],
  'charset.unsupported': [415, 'Unsupported charset'],
  'request.aborted': [400, 'Request aborted'],
  'entity.verify.failed': [400, 'Request body is not valid UTF-8'],
};

/**
 * What both APIs share at the HTTP edge: a bounded strict JSON body parser whose failures are
 * problem+json like every other error, and no framework fingerprint. Must run before `listen()`.
 * Signals are the entry point's business (see exitOnSignals), not Nest's: its hooks would exit by the
 * signal (status 143) and close an app a second time.
 * The app is created with `bodyParser: false` so Nest does not install its own parser.
 */
export function configureHttpApp(
  app: NestExpressApplication,
  bodyLimit: string,
  streamedBodies: readonly StreamedBodyRoute[] = [],
): void {
  app.disable('x-powered-by');
  app.set('query parser', 'simple');
  answerSocketErrorsWithProblems(app.getHttpServer() as Server);
  // One middleware, not two: every layer is a step of Express's router on every request.
  app.use((req: Request, res: Response, next: NextFunction) => {
    assignRequestId(req, res);
    if (acceptsBody(req, res, streamedBodies)) next();
  });
  app.use(
    json({
      limit: bodyLimit,
      strict: true,
      // Refuse invalid UTF-8 instead of silently storing U+FFFD in its place.
      verify: (_req, _res, body) => {
        utf8.decode(body);
      },
    }),
  );
  app.use((error: BodyParserError, req: Request, res: Response, next: NextFunction) => {
    if (!error) return next();
    const [status, detail] = BODY_ERRORS[error.type ?? ''] ?? [
      error.status && error.status < 500 ? error.status : 400,
      'Malformed request',
    ];
    res
      .status(status)
      .type(PROBLEM_CONTENT_TYPE)
      .send(JSON.stringify(problem(status, detail, { requestId: requestIdOf(req) })));
  });
}

const JSON_TYPE = /^application\/(?:[\w.+-]+\+)?json\s*(?:;|$)/i;

/**
 * A route whose body is not JSON but one media type, left unparsed for its handler to stream (a tenant
 * archive): only that type is accepted there, and the JSON parser skips it.
 */
export interface StreamedBodyRoute {
  method: string;
  path: string;
  mediaType: string;
}

/**
 * Every body these APIs take is JSON, or a streamed route's own type: any other media type is a 415
 * (answered here), not a confusing 400.
 */
function acceptsBody(req: Request, res: Response, streamed: readonly StreamedBodyRoute[]): boolean {
  const hasBody = Number(req.headers['content-length'] ?? 0) > 0 || req.headers['transfer-encoding'] !== undefined;
  const route = streamed.find((r) => r.method === req.method && r.path === req.path);
  const mediaType = (req.headers['content-type'] ?? '').split(';')[0]!.trim().toLowerCase();
  if (route ? mediaType === route.mediaType : !hasBody || JSON_TYPE.test(req.headers['content-type'] ?? ''))
    return true;
  const expected = route?.mediaType ?? 'application/json';
  const detail = `Request bodies ${route ? 'here ' : ''}must be ${expected}, not ${req.headers['content-type'] ?? 'untyped'}`;
  res.status(415).setHeader('Accept', expected);
  res.type(PROBLEM_CONTENT_TYPE).send(JSON.stringify(problem(415, detail, { requestId: requestIdOf(req) })));
  return false;
}

/**
 * Errors Node's HTTP parser answers before any route runs — oversized headers, a malformed request
 * line, a request too slow to arrive — get problem+json like everything else instead of a bare status.
 */
function answerSocketErrorsWithProblems(server: Server): void {
  server.on('clientError', (error: NodeJS.ErrnoException, socket: Duplex) => {
    if (error.code === 'ECONNRESET' || !socket.writable) return socket.destroy();
    const [status, detail] =
      error.code === 'HPE_HEADER_OVERFLOW'
        ? [431, 'Request headers are too large']
        : error.code === 'ERR_HTTP_REQUEST_TIMEOUT'
          ? [408, 'The request took too long to arrive']
          : [400, 'Malformed HTTP request'];
    socket.end(rawProblemResponse(status, detail));
  });
}
