import { embeddedLocation, parseEnvironment, readEnvironment } from '@switchyard/config';

/**
 * Test settings, read through the config library like everything else:
 * TEST_DATABASE_URL (a superuser URL; default: an embedded PostgreSQL in .switchyard/test),
 * TEST_SECOND_DATABASE_URL (another server, for moves between servers; default: a second embedded one),
 * TEST_REDIS_URL (default redis://127.0.0.1:6379, used when reachable), TEST_SCREENSHOTS_DIR (where the
 * console's browser test saves its screenshots; none by default), and CI (in CI a missing service
 * fails the run instead of skipping its tests).
 */
export function testEnvironment() {
  const env = readEnvironment();
  const base = parseEnvironment({ EMBEDDED_DATA_DIR: '.switchyard/test', EMBEDDED_PG_PORT: '54339' });
  return {
    databaseUrl: env.TEST_DATABASE_URL?.trim() || undefined,
    secondDatabaseUrl: env.TEST_SECOND_DATABASE_URL?.trim() || undefined,
    redisUrl: env.TEST_REDIS_URL?.trim() || 'redis://127.0.0.1:6379',
    screenshotsDir: env.TEST_SCREENSHOTS_DIR?.trim() || undefined,
    ci: env.CI === 'true' || env.CI === '1',
    embedded: embeddedLocation(base),
  };
}
