export { testConfig, dropTestInstallation } from './test-installation';
export { testEnvironment } from './test-environment';
export { probeRedis } from './redis-probe';
export { freePort } from './test-server';
export { PGBOUNCER_BINARY, startPgBouncer } from './pgbouncer';
export type { RunningPgBouncer } from './pgbouncer';
export { startPrivateCluster } from './private-cluster';
export type { PrivateCluster } from './private-cluster';
