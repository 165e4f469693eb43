import { join } from 'node:path';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { createApiApp } from '@apps/api';
import { createControlPlaneApp } from '@apps/control-plane';
import { buildConfig, parseEnvironment, readEnvironment, type SwitchyardConfig } from '@switchyard/config';
import { startEmbeddedPostgres } from '@switchyard/embedded';
import { dropTestInstallation, freePort } from '@switchyard/testing';

export interface ProfileInstallation {
  config: SwitchyardConfig;
  controlPlane: NestExpressApplication;
  api: NestExpressApplication;
  close(): Promise<void>;
}

/**
 * A throwaway installation for the profiling tools: embedded PostgreSQL in `.switchyard/bench` (or
 * BENCH_DATABASE_URL), both apps initialised, everything dropped again by `close`.
 */
export async function startProfileInstallation(prefix: string): Promise<ProfileInstallation> {
  let url = readEnvironment().BENCH_DATABASE_URL;
  let stop = async (): Promise<unknown> => undefined;
  if (!url) {
    const pg = await startEmbeddedPostgres({
      dataDir: join(process.cwd(), '.switchyard', 'bench'),
      port: await freePort(),
    });
    url = pg.url;
    stop = pg.stop;
  }
  const config = buildConfig(
    parseEnvironment({
      DATABASE_URL: url,
      JWT_SECRET: 'x'.repeat(40),
      SWITCHYARD_DB_PREFIX: prefix,
      APP_DB_USER: `${prefix}_app`,
      APP_DB_PASSWORD: 'pw',
      LOG_LEVEL: 'error',
    }),
  );
  await dropTestInstallation(config);
  const controlPlane = await createControlPlaneApp(config);
  await controlPlane.init();
  const api = await createApiApp(config);
  return {
    config,
    controlPlane,
    api,
    close: async () => {
      await api.close();
      await controlPlane.close();
      await dropTestInstallation(config);
      await stop();
    },
  };
}
