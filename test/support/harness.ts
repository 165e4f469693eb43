import { inject } from 'vitest';
import type { NestExpressApplication } from '@nestjs/platform-express';
import request from 'supertest';
import { createApiApp } from '@apps/api';
import { createControlPlaneApp } from '@apps/control-plane';
import { TokenIssuer } from '@switchyard/auth';
import type { EnvironmentSource, SwitchyardConfig } from '@switchyard/config';
import type { TenantRecord, Tier } from '@switchyard/control-plane';
import { withDatabase, withOwnerClient } from '@switchyard/postgres';
import { TenantLifecycleService } from '@switchyard/provisioning';
import { dropTestInstallation, testConfig } from '@switchyard/testing';

export interface Harness {
  config: SwitchyardConfig;
  api: NestExpressApplication;
  controlPlane: NestExpressApplication;
  /** supertest agent of the tenant API. */
  apiRequest(): ReturnType<typeof request>;
  cpRequest(): ReturnType<typeof request>;
  createTenant(slug: string, tier: Tier): Promise<TenantRecord>;
  tokenFor(tenantId: string, claims?: { sub?: string; expiresInSeconds?: number }): string;
  opsToken(): string;
  /** Runs SQL as the owner in one database of this installation. */
  ownerQuery<R extends Record<string, unknown> = Record<string, unknown>>(
    database: string,
    sql: string,
    params?: unknown[],
  ): Promise<R[]>;
  close(): Promise<void>;
}

/** Boots a fresh installation with both apps (initialised, not listening). */
export async function startHarness(overrides: EnvironmentSource = {}): Promise<Harness> {
  const config = testConfig(inject('databaseUrl'), inject('runId'), overrides);
  const controlPlane = await createControlPlaneApp(config);
  await controlPlane.init();
  const api = await createApiApp(config);
  await api.init();
  const issuer = controlPlane.get(TokenIssuer);
  return {
    config,
    api,
    controlPlane,
    apiRequest: () => request(api.getHttpServer()),
    cpRequest: () => request(controlPlane.getHttpServer()),
    createTenant: async (slug, tier) =>
      (await controlPlane.get(TenantLifecycleService).create({ slug, name: `${slug} Inc`, tier })).tenant,
    tokenFor: (tenantId, claims = {}) =>
      issuer.issue({ sub: claims.sub ?? 'user-1', tid: tenantId, expiresInSeconds: claims.expiresInSeconds ?? 600 }),
    opsToken: () => issuer.issue({ sub: 'ops:test', roles: ['ops'], expiresInSeconds: 600 }),
    ownerQuery: (database, sql, params = []) =>
      withOwnerClient(
        withDatabase(config.databaseUrl, database),
        async (client) => (await client.query(sql, params)).rows,
      ),
    close: async () => {
      await api.close();
      await controlPlane.close();
      await dropTestInstallation(config);
    },
  };
}
