import { NestFactory } from '@nestjs/core';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { nestLogLevels, type SwitchyardConfig } from '@switchyard/config';
import { configureHttpApp } from '@switchyard/http';
import { httpMetrics, MetricsRegistry } from '@switchyard/metrics';
import { ApiModule } from './api.module';

/** Builds the tenant API (not yet listening). */
export async function createApiApp(config: SwitchyardConfig): Promise<NestExpressApplication> {
  const app = await NestFactory.create<NestExpressApplication>(ApiModule.forRoot(config), {
    bodyParser: false,
    logger: nestLogLevels(config),
  });
  // First, so that every request is timed, including those the body parser rejects.
  app.use(httpMetrics(app.get(MetricsRegistry)));
  configureHttpApp(app, config.httpBodyLimit);
  return app;
}
