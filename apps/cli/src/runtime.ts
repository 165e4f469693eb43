import { type INestApplicationContext } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import {
  buildConfig,
  embeddedLocation,
  needsEmbeddedPostgres,
  parseEnvironment,
  readEnvironment,
  type SwitchyardConfig,
  type EnvironmentSource,
} from '@switchyard/config';
import { startEmbeddedPostgres, type RunningEmbeddedPostgres } from '@switchyard/embedded';
import { InstallationService } from '@switchyard/provisioning';
import { CliModule } from './cli.module';
import { StderrLogger } from './stderr-logger';

export interface Runtime {
  config: SwitchyardConfig;
  embedded?: RunningEmbeddedPostgres;
  close(): Promise<void>;
}

/**
 * Resolves the configuration a command runs with: DATABASE_URL when set, otherwise the embedded
 * PostgreSQL of the project folder (joined if `npm start` already runs it, started otherwise).
 */
export async function openRuntime(
  log: (line: string) => void = () => undefined,
  overrides: EnvironmentSource = {},
): Promise<Runtime> {
  const env = parseEnvironment(readEnvironment(overrides));
  let embedded: RunningEmbeddedPostgres | undefined;
  if (needsEmbeddedPostgres(env)) {
    const location = embeddedLocation(env);
    embedded = await startEmbeddedPostgres(location);
    log(
      embedded.reused
        ? `using the embedded PostgreSQL already running on port ${location.port}`
        : `started embedded PostgreSQL on port ${location.port} (data in ${location.dataDir})`,
    );
  }
  const config = buildConfig(
    env,
    embedded
      ? { databaseUrl: embedded.url, jwtSecret: embedded.jwtSecret, appRolePassword: embedded.appRolePassword }
      : undefined,
  );
  return { config, embedded, close: async () => embedded?.stop() };
}

/** How a command installs first; `false` leaves the installation as it is. */
export type CliInstall = Parameters<InstallationService['ensureInstalled']>[0] | false;

/**
 * Runs `fn` with an application context over an installed system, then tears everything down. By default
 * installation only bootstraps never-migrated shared and template databases: applying a new tenant
 * migration is `switchyard migrate`'s alone, never a side effect of another command.
 * `install: false` leaves the installation as it is (the doctor must see it unrepaired).
 */
export async function withCliContext<T>(
  fn: (context: INestApplicationContext, runtime: Runtime) => Promise<T>,
  install: CliInstall = { tenantTargets: 'bootstrap' },
): Promise<T> {
  // A command runs its own work; moves requested elsewhere are the control-plane worker's.
  const runtime = await openRuntime((line) => process.stderr.write(`${line}\n`), { MOVE_WORKER: 'false' });
  const context = await NestFactory.createApplicationContext(CliModule.forRoot(runtime.config), {
    logger: new StderrLogger(),
  });
  try {
    if (install) await context.get(InstallationService).ensureInstalled(install);
    return await fn(context, runtime);
  } finally {
    await context.close();
    await runtime.close();
  }
}
