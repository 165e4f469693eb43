import type { TestProject } from 'vitest/node';
import { startEmbeddedPostgres, type RunningEmbeddedPostgres } from '@switchyard/embedded';
import { withOwnerClient } from '@switchyard/postgres';
import { testEnvironment } from './test-environment';
import { probeRedis } from './redis-probe';

declare module 'vitest' {
  export interface ProvidedContext {
    databaseUrl: string;
    redisUrl: string | null;
    ci: boolean;
  }
}

let embedded: RunningEmbeddedPostgres | undefined;

/** Drops what earlier, interrupted test runs left behind (test installations are prefixed `syt_`). */
async function dropLeftovers(url: string): Promise<void> {
  await withOwnerClient(url, async (client) => {
    const { rows } = await client.query<{ datname: string }>(
      "SELECT datname FROM pg_database WHERE datname LIKE 'syt\\_%' OR datname LIKE 'sy\\_t\\_%'",
    );
    for (const { datname } of rows) await client.query(`DROP DATABASE IF EXISTS "${datname}" WITH (FORCE)`);
    const roles = await client.query<{ rolname: string }>("SELECT rolname FROM pg_roles WHERE rolname LIKE 'syt\\_%'");
    for (const { rolname } of roles.rows) await client.query(`DROP ROLE IF EXISTS "${rolname}"`);
  });
}

export async function setup(project: TestProject): Promise<void> {
  const env = testEnvironment();
  let databaseUrl = env.databaseUrl;
  if (!databaseUrl) {
    embedded = await startEmbeddedPostgres(env.embedded);
    databaseUrl = embedded.url;
  }
  await dropLeftovers(databaseUrl);
  const redisReachable = await probeRedis(env.redisUrl);
  if (!redisReachable && env.ci) throw new Error(`CI=true but Redis is not reachable at ${env.redisUrl} (set TEST_REDIS_URL)`);
  project.provide('databaseUrl', databaseUrl);
  project.provide('redisUrl', redisReachable ? env.redisUrl : null);
  project.provide('ci', env.ci);
}

export async function teardown(): Promise<void> {
  await embedded?.stop();
}
