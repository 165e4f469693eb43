import type { NestExpressApplication } from '@nestjs/platform-express';
import { createApiApp } from '@apps/api';
import { createControlPlaneApp } from '@apps/control-plane';
import { buildConfig, parseEnvironment, type EnvironmentSource, type SwitchyardConfig } from '@switchyard/config';
import { dropTestInstallation } from '@switchyard/testing';

export interface BenchInstallation {
  config: SwitchyardConfig;
  controlPlane: NestExpressApplication;
  api: NestExpressApplication;
  /** Closes both apps and drops every database and the role of the installation. */
  close(): Promise<void>;
}

/**
 * A throwaway installation named `prefix` on the server at `databaseUrl`, with `env` over the bench's
 * settings: both apps initialised (neither listening), anything left by an earlier run dropped first.
 */
export async function startBenchInstallation(
  databaseUrl: string,
  prefix: string,
  env: EnvironmentSource = {},
): Promise<BenchInstallation> {
  const config = buildConfig(
    parseEnvironment({
      DATABASE_URL: databaseUrl,
      JWT_SECRET: 'switchyard-bench-secret-0123456789abcdef',
      SWITCHYARD_DB_PREFIX: prefix,
      APP_DB_USER: `${prefix}_app`,
      APP_DB_PASSWORD: 'bench-app-password',
      MOVE_WORKER: 'false',
      LOG_LEVEL: 'error',
      ...env,
    }),
  );
  await dropTestInstallation(config);
  const controlPlane = await createControlPlaneApp(config);
  await controlPlane.init();
  const api = await createApiApp(config);
  await api.init();
  return {
    config,
    controlPlane,
    api,
    close: async () => {
      await api.close();
      await controlPlane.close();
      await dropTestInstallation(config);
    },
  };
}
