import { NestFactory } from '@nestjs/core';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { nestLogLevels, type SwitchyardConfig } from '@switchyard/config';
import { configureHttpApp, httpLogging, requestLog } from '@switchyard/http';
import { httpMetrics, MetricsRegistry } from '@switchyard/metrics';
import { TenantContext } from '@switchyard/tenancy';
import { ApiModule } from './api.module';

/** Builds the tenant API (not yet listening). */
export async function createApiApp(config: SwitchyardConfig): Promise<NestExpressApplication> {
  const logging = httpLogging('api', config.logFormat, config.logLevel, nestLogLevels(config));
  const app = await NestFactory.create<NestExpressApplication>(ApiModule.forRoot(config), {
    bodyParser: false,
    logger: logging.logger,
  });
  // First, so that every request is timed and logged, including those the body parser rejects.
  app.use(httpMetrics(app.get(MetricsRegistry)));
  if (logging.requests) app.use(requestLog(logging.requests));
  configureHttpApp(app, config.httpBodyLimit);
  // Last, after the body is read: the guard fills this scope, and stream callbacks would leave it.
  app.use(app.get(TenantContext).requestScope);
  return app;
}
