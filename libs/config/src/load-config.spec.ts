import { describe, expect, it } from 'vitest';
import { buildConfig, needsEmbeddedPostgres, parseEnvironment } from './load-config';

const embedded = {
  databaseUrl: 'postgres://postgres:pw@127.0.0.1:54329/postgres',
  jwtSecret: 'e'.repeat(40),
  appRolePassword: 'app',
};

describe('configuration', () => {
  it('uses the embedded default when DATABASE_URL is unset', () => {
    const env = parseEnvironment({});
    expect(needsEmbeddedPostgres(env)).toBe(true);
    const config = buildConfig(env, embedded);
    expect(config.embedded).toBe(true);
    expect(config.databaseUrl).toBe(embedded.databaseUrl);
    expect(config.jwt).toMatchObject({ algorithm: 'HS256', secret: embedded.jwtSecret });
    expect(config.ports).toEqual({ api: 3000, controlPlane: 3001 });
    expect(config.names).toEqual({
      prefix: 'switchyard',
      controlDatabase: 'switchyard_control',
      sharedDatabase: 'switchyard_shared',
      templateDatabase: 'switchyard_template',
      appRole: 'switchyard_app',
      breakGlassRole: 'switchyard_breakglass',
    });
  });

  it('requires a JWT key with an external database', () => {
    const env = parseEnvironment({ DATABASE_URL: 'postgres://u@db/postgres' });
    expect(() => buildConfig(env)).toThrow(/JWT_SECRET/);
  });

  it('selects RS256 when a public key is given', () => {
    const config = buildConfig(
      parseEnvironment({ DATABASE_URL: 'postgres://u@db/postgres', JWT_PUBLIC_KEY: 'PEM', JWT_AUDIENCE: 'aud' }),
    );
    expect(config.jwt).toMatchObject({ algorithm: 'RS256', publicKey: 'PEM', audience: 'aud' });
  });

  it.each([
    [{ API_PORT: 'eighty' }, 'API_PORT'],
    [{ DATABASE_URL: 'mysql://x@y/z' }, 'DATABASE_URL'],
    [{ JWT_SECRET: 'short' }, 'JWT_SECRET'],
    [{ SWITCHYARD_DB_PREFIX: 'Bad-Prefix' }, 'SWITCHYARD_DB_PREFIX'],
    [{ SHARED_POOL_MAX: '0' }, 'SHARED_POOL_MAX'],
    [{ APP_DB_USER: 'x"; drop role y; --' }, 'APP_DB_USER'],
  ])('names the variable at fault: %j', (env, variable) => {
    expect(() => parseEnvironment(env)).toThrow(new RegExp(variable));
  });

  it('routes the application role through a pooler when APP_DB_HOST is set', () => {
    const config = buildConfig(
      parseEnvironment({
        DATABASE_URL: 'postgres://u@db/postgres',
        JWT_SECRET: 's'.repeat(32),
        APP_DB_HOST: 'pgbouncer',
        APP_DB_PORT: '6432',
      }),
    );
    expect(config.appEndpoint).toEqual({ host: 'pgbouncer', port: 6432 });
  });
});
