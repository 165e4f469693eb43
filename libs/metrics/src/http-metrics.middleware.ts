import type { NextFunction, Request, Response } from 'express';
import type { MetricsRegistry } from './metrics.registry';

/**
 * Times every request into `switchyard_http_request_duration_seconds`. The route label is the matched
 * route template (`/v1/employees/:id`), never the raw path, so ids do not become label values;
 * requests that match no route share the label `unmatched`.
 */
export function httpMetrics(metrics: MetricsRegistry): (req: Request, res: Response, next: NextFunction) => void {
  return (req, res, next) => {
    const started = process.hrtime.bigint();
    res.once('finish', () => {
      const route = req.route?.path ? `${req.baseUrl}${String(req.route.path)}` : 'unmatched';
      const seconds = Number(process.hrtime.bigint() - started) / 1e9;
      metrics.httpDuration.observe({ method: req.method, route, status: String(res.statusCode) }, seconds);
    });
    next();
  };
}
