import type { TestProject } from 'vitest/node';
import { startEmbeddedPostgres, type RunningEmbeddedPostgres } from '@switchyard/embedded';
import { probeRedis } from './redis-probe';
import { dropStaleInstallations, freePort, removeStaleClusters, runDirectory } from './test-server';
import { testEnvironment } from './test-environment';

declare module 'vitest' {
  export interface ProvidedContext {
    databaseUrl: string;
    redisUrl: string | null;
    ci: boolean;
    /** Identifies this run in the names of what it creates (its process id). */
    runId: number;
  }
}

let embedded: RunningEmbeddedPostgres | undefined;
let clusterDir: string | undefined;

/**
 * One real PostgreSQL per run: TEST_DATABASE_URL when given, otherwise an embedded cluster of this run
 * alone (own folder, free port), so concurrent runs never stop or clean up each other's server.
 */
export async function setup(project: TestProject): Promise<void> {
  const env = testEnvironment();
  let databaseUrl = env.databaseUrl;
  if (databaseUrl) {
    await dropStaleInstallations(databaseUrl);
  } else {
    await removeStaleClusters(env.embedded.dataDir);
    clusterDir = runDirectory(env.embedded.dataDir, process.pid);
    embedded = await startEmbeddedPostgres({ dataDir: clusterDir, port: await freePort() });
    databaseUrl = embedded.url;
  }
  const redisReachable = await probeRedis(env.redisUrl);
  if (!redisReachable && env.ci) throw new Error(`CI=true but Redis is not reachable at ${env.redisUrl} (set TEST_REDIS_URL)`);
  project.provide('databaseUrl', databaseUrl);
  project.provide('redisUrl', redisReachable ? env.redisUrl : null);
  project.provide('ci', env.ci);
  project.provide('runId', process.pid);
}

export async function teardown(): Promise<void> {
  await embedded?.stop();
  if (clusterDir) await removeStaleClusters(clusterDir, { includeLive: true });
}
