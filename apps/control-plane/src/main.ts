import 'reflect-metadata';
import { buildConfig, parseEnvironment, readEnvironment } from '@switchyard/config';
import { exitOnSignals } from '@switchyard/http';
import { createControlPlaneApp } from './create-control-plane-app';

/** Runs the control-plane API alone against the PostgreSQL named by DATABASE_URL. */
async function main(): Promise<void> {
  const config = buildConfig(parseEnvironment(readEnvironment()));
  const app = await createControlPlaneApp(config);
  exitOnSignals(() => [app], { graceMs: config.shutdownGraceMs });
  await app.listen(config.ports.controlPlane);
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
