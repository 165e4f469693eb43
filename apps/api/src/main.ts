import 'reflect-metadata';
import { buildConfig, parseEnvironment, readEnvironment } from '@switchyard/config';
import { exitOnSignals } from '@switchyard/http';
import { createApiApp } from './create-api-app';

/** Runs the tenant API alone against the PostgreSQL named by DATABASE_URL (installation done elsewhere). */
async function main(): Promise<void> {
  const config = buildConfig(parseEnvironment(readEnvironment()));
  const app = await createApiApp(config);
  exitOnSignals(() => [app], { graceMs: config.shutdownGraceMs });
  await app.listen(config.ports.api);
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
