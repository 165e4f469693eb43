import type { NextFunction, Request, Response } from 'express';
import type { Logger } from 'pino';
import { requestIdOf } from '../request-id';

/**
 * One line per request when it is answered: request id, tenant (when the request had one), method,
 * route template (never the raw path), status and duration. Built from those fields only, so no token,
 * header or body can reach a log line.
 */
export function requestLog(logger: Logger): (req: Request, res: Response, next: NextFunction) => void {
  return (req, res, next) => {
    const started = process.hrtime.bigint();
    res.once('finish', () => {
      logger.info(
        {
          requestId: requestIdOf(req),
          tenantId: (req as Request & { tenantId?: string }).tenantId,
          method: req.method,
          route: req.route?.path ? `${req.baseUrl}${String(req.route.path)}` : 'unmatched',
          status: res.statusCode,
          durationMs: Math.round(Number(process.hrtime.bigint() - started) / 1e4) / 100,
        },
        'request',
      );
    });
    next();
  };
}
