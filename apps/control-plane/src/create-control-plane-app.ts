import { NestFactory } from '@nestjs/core';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { nestLogLevels, type SwitchyardConfig } from '@switchyard/config';
import { configureHttpApp, httpLogging, requestLog } from '@switchyard/http';
import { InstallationService } from '@switchyard/provisioning';
import { ControlPlaneAppModule } from './control-plane-app.module';
import { MigrationsReadiness } from './migrations/migrations-readiness';
import { serveConsole } from './console/console-assets';
import { ARCHIVE_IMPORT_BODY } from './archive/archive.schemas';

export interface ControlPlaneAppOptions {
  /**
   * Bring the shared and template databases to the latest tenant migration: `switchyard dev` only. By
   * default the installation bootstraps never-migrated ones and advances none: that is `switchyard migrate`.
   */
  migrateTenantTargets?: boolean;
}

/**
 * Builds the control-plane API (not yet listening). The installation is completed first (the control
 * plane's own migrations included); tenant targets behind the latest migration are reported, not migrated.
 */
export async function createControlPlaneApp(
  config: SwitchyardConfig,
  options: ControlPlaneAppOptions = {},
): Promise<NestExpressApplication> {
  const logging = httpLogging('control-plane', config.logFormat, config.logLevel, nestLogLevels(config));
  const app = await NestFactory.create<NestExpressApplication>(ControlPlaneAppModule.forRoot(config), {
    bodyParser: false,
    logger: logging.logger,
  });
  if (logging.requests) app.use(requestLog(logging.requests));
  configureHttpApp(app, config.httpBodyLimit, [ARCHIVE_IMPORT_BODY]);
  serveConsole(app);
  const tenantTargets = options.migrateTenantTargets ? 'latest' : 'bootstrap';
  await app.get(InstallationService).ensureInstalled({ tenantTargets });
  await app.get(MigrationsReadiness).warnIfBehind();
  return app;
}
