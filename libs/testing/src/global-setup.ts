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
    /** A second PostgreSQL server, for moves between servers (superuser URL). */
    secondDatabaseUrl: string;
    /** Where the console's browser test saves screenshots (TEST_SCREENSHOTS_DIR), if anywhere. */
    screenshotsDir: string | null;
  }
}

const embedded: RunningEmbeddedPostgres[] = [];
const clusterDirs: string[] = [];

/**
 * Real PostgreSQL servers per run — TEST_DATABASE_URL (and TEST_SECOND_DATABASE_URL, for moves between
 * servers) when given, otherwise embedded clusters of this run alone (own folders, free ports), so
 * concurrent runs never stop or clean up each other's servers.
 */
export async function setup(project: TestProject): Promise<void> {
  const env = testEnvironment();
  await removeStaleClusters(env.embedded.dataDir);
  const startCluster = async (suffix: string) => {
    const dir = runDirectory(env.embedded.dataDir, process.pid, suffix);
    clusterDirs.push(dir);
    const port = await freePort();
    const cluster = await startEmbeddedPostgres({ dataDir: dir, port });
    embedded.push(cluster);
    return cluster.url;
  };
  let databaseUrl = env.databaseUrl;
  if (databaseUrl) await dropStaleInstallations(databaseUrl);
  else databaseUrl = await startCluster('');
  let secondDatabaseUrl = env.secondDatabaseUrl;
  if (secondDatabaseUrl) await dropStaleInstallations(secondDatabaseUrl);
  else secondDatabaseUrl = await startCluster('-b');
  const redisReachable = await probeRedis(env.redisUrl);
  if (!redisReachable && env.ci)
    throw new Error(`CI=true but Redis is not reachable at ${env.redisUrl} (set TEST_REDIS_URL)`);
  project.provide('databaseUrl', databaseUrl);
  project.provide('redisUrl', redisReachable ? env.redisUrl : null);
  project.provide('ci', env.ci);
  project.provide('screenshotsDir', env.screenshotsDir ?? null);
  project.provide('runId', process.pid);
  project.provide('secondDatabaseUrl', secondDatabaseUrl);
}

export async function teardown(): Promise<void> {
  for (const cluster of embedded) await cluster.stop();
  for (const dir of clusterDirs) await removeStaleClusters(dir, { includeLive: true });
}
