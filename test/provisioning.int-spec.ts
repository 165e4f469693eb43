import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LedgerRepository, TenantsRepository, type Tier } from '@switchyard/control-plane';
import { loadMigrationSet } from '@switchyard/migrations';
import { tenantStorageNames } from '@switchyard/postgres';
import { InstallationService, TenantLifecycleService } from '@switchyard/provisioning';
import { startHarness, type Harness } from './support/harness';

describe('provisioning', () => {
  let h: Harness;
  let lifecycle: TenantLifecycleService;
  const latest = loadMigrationSet('tenant').latest;

  beforeAll(async () => {
    h = await startHarness();
    lifecycle = h.controlPlane.get(TenantLifecycleService);
  });
  afterAll(() => h?.close());

  const auth = (tenantId: string) => ({ Authorization: `Bearer ${h.tokenFor(tenantId)}` });

  it('is idempotent: installing again changes nothing and fails nothing', async () => {
    await h.controlPlane.get(InstallationService).ensureInstalled();
    await h.controlPlane.get(InstallationService).ensureInstalled();
    const ledger = await h.controlPlane
      .get(LedgerRepository)
      .entriesFor(`shared:primary/${h.config.names.sharedDatabase}`);
    expect(ledger.map((e) => [e.migration, e.status])).toEqual(
      loadMigrationSet('tenant').files.map((f) => [f.name, 'applied']),
    );
  });

  it.each<Tier>(['shared', 'schema', 'database'])(
    'creates a %s tenant at the latest schema version, ready to serve',
    async (tier) => {
      const { tenant } = await lifecycle.create({ slug: `prov-${tier}`, name: 'P', tier });
      expect(tenant).toMatchObject({ status: 'active', tier, state: 'ready', schemaVersion: latest, version: 1 });
      const res = await h
        .apiRequest()
        .post('/v1/employees')
        .set(auth(tenant.id))
        .send({ email: 'a@b.io', fullName: 'A' });
      expect(res.status).toBe(201);
    },
  );

  it.each<Tier>(['schema', 'database'])(
    'resumes a crashed %s provisioning when the same tenant is created again',
    async (tier) => {
      // Simulate a crash: the control-plane row exists as `provisioning`, storage is half made.
      const id = randomUUID();
      const names = tenantStorageNames(id);
      const slug = `crashed-${tier}`;
      await h.controlPlane.get(TenantsRepository).insert({
        id,
        slug,
        name: 'Crashed',
        tier,
        placement:
          tier === 'schema'
            ? { server: 'primary', database: h.config.names.sharedDatabase, schema: names.schema }
            : { server: 'primary', database: names.database, schema: 'public' },
      });
      if (tier === 'schema') await h.ownerQuery(h.config.names.sharedDatabase, `CREATE SCHEMA ${names.schema}`);
      else
        await h.ownerQuery('postgres', `CREATE DATABASE ${names.database} TEMPLATE ${h.config.names.templateDatabase}`);

      const blocked = await h.apiRequest().get('/v1/employees').set(auth(id));
      expect(blocked.status).toBe(403);

      const { tenant, resumed } = await lifecycle.create({ slug, name: 'Crashed', tier });
      expect(resumed).toBe(true);
      expect(tenant).toMatchObject({ id, status: 'active', schemaVersion: latest });
      const res = await h.apiRequest().post('/v1/employees').set(auth(id)).send({ email: 'x@y.io', fullName: 'X' });
      expect(res.status).toBe(201);
    },
  );

  it('refuses a slug that exists, or a resume in another tier', async () => {
    await lifecycle.create({ slug: 'taken-shared', name: 'first', tier: 'shared' });
    await lifecycle.create({ slug: 'taken-schema', name: 'first', tier: 'schema' });
    await expect(lifecycle.create({ slug: 'taken-shared', name: 'again', tier: 'shared' })).rejects.toMatchObject({
      code: 'TENANT_EXISTS',
    });
    await expect(lifecycle.create({ slug: 'taken-schema', name: 'again', tier: 'database' })).rejects.toMatchObject({
      code: 'TENANT_EXISTS',
    });
  });

  it.each<Tier>(['shared', 'schema', 'database'])(
    'offboards a %s tenant: its data and storage are gone, others untouched',
    async (tier) => {
      const { tenant } = await lifecycle.create({ slug: `gone-${tier}`, name: 'Gone', tier });
      const keep = await lifecycle.create({ slug: `keep-${tier}`, name: 'Keep', tier });
      for (const t of [tenant, keep.tenant]) {
        expect(
          (await h.apiRequest().post('/v1/employees').set(auth(t.id)).send({ email: 'e@e.io', fullName: 'E' })).status,
        ).toBe(201);
      }
      const res = await h
        .cpRequest()
        .delete(`/v1/tenants/${tenant.slug}`)
        .set('Authorization', `Bearer ${h.opsToken()}`);
      expect(res.status).toBe(204);
      expect((await h.apiRequest().get('/v1/employees').set(auth(tenant.id))).status).toBe(403);
      const names = tenantStorageNames(tenant.id);
      const leftovers = await h.ownerQuery(
        h.config.names.sharedDatabase,
        'SELECT count(*)::int AS n FROM public.employees WHERE tenant_id = $1',
        [tenant.id],
      );
      const schemas = await h.ownerQuery(
        h.config.names.sharedDatabase,
        'SELECT count(*)::int AS n FROM pg_namespace WHERE nspname = $1',
        [names.schema],
      );
      const databases = await h.ownerQuery(
        'postgres',
        'SELECT count(*)::int AS n FROM pg_database WHERE datname = $1',
        [names.database],
      );
      expect([...leftovers, ...schemas, ...databases]).toEqual([{ n: 0 }, { n: 0 }, { n: 0 }]);
      const kept = await h.apiRequest().get('/v1/employees').set(auth(keep.tenant.id));
      expect(kept.body.items).toHaveLength(1);
    },
  );
});
