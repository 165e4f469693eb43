import { NestFactory } from '@nestjs/core';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { nestLogLevels, SwitchyardConfig } from '@switchyard/config';
import { configureHttpApp } from '@switchyard/http';
import { InstallationService } from '@switchyard/provisioning';
import { ControlPlaneAppModule } from './control-plane-app.module';

/** Builds the control-plane API (not yet listening); the installation is brought up to date first. */
export async function createControlPlaneApp(config: SwitchyardConfig): Promise<NestExpressApplication> {
  const app = await NestFactory.create<NestExpressApplication>(ControlPlaneAppModule.forRoot(config), {
    bodyParser: false,
    logger: nestLogLevels(config),
  });
  configureHttpApp(app, config.httpBodyLimit);
  await app.get(InstallationService).ensureInstalled();
  return app;
}
