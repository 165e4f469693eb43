import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import type { TenantRecord, Tier } from '@switchyard/control-plane';
import { freePort, PGBOUNCER_BINARY, startPgBouncer, type RunningPgBouncer } from '@switchyard/testing';
import { at } from './support/elements';
import { startHarness, type Harness } from './support/harness';

const available = Boolean(PGBOUNCER_BINARY);
if (!available && inject('ci')) throw new Error('CI=true but pgbouncer is not installed');

/**
 * The application role goes through a real PgBouncer in transaction mode whose server pool is smaller
 * than the number of concurrent clients: statements of different tenants share server connections.
 * Context that outlived its transaction would show up here as rows of the wrong tenant.
 */
describe.skipIf(!available)('through PgBouncer in transaction mode', () => {
  let h: Harness;
  let bouncer: RunningPgBouncer;
  const tenants: TenantRecord[] = [];

  beforeAll(async () => {
    const serverPort = Number(new URL(inject('databaseUrl')).port || 5432);
    const port = await freePort();
    // PgBouncer 1.18 (Debian 12) has no protocol-level prepared statements: the context stays unnamed.
    h = await startHarness({
      APP_DB_HOST: '127.0.0.1',
      APP_DB_PORT: String(port),
      PG_PREPARED_STATEMENTS: 'false',
      SHARED_POOL_MAX: '12',
    });
    bouncer = await startPgBouncer({
      serverPort,
      port,
      users: { [h.config.names.appRole]: h.config.appRolePassword ?? '' },
      poolSize: 2,
    });
    for (const tier of ['shared', 'shared', 'schema', 'schema', 'database'] as Tier[]) {
      tenants.push(await h.createTenant(`bouncer-${tier}-${tenants.length}`, tier));
    }
  });
  afterAll(async () => {
    await h?.close();
    await bouncer?.stop();
  });

  const auth = (t: TenantRecord) => ({ Authorization: `Bearer ${h.tokenFor(t.id)}` });

  it('keeps every tenant to its own rows while statements share two server connections', async () => {
    // Concurrent single statements and multi-statement transactions (entry creation) of all tenants.
    await Promise.all(
      tenants.flatMap((t) =>
        Array.from({ length: 8 }, async (_, i) => {
          const employee = await h
            .apiRequest()
            .post('/v1/employees')
            .set(auth(t))
            .send({ email: `p${i}@${t.slug}.io`, fullName: `${t.slug} ${i}` });
          expect(employee.status).toBe(201);
          const entry = await h
            .apiRequest()
            .post('/v1/wellness-entries')
            .set(auth(t))
            .send({ employeeId: employee.body.id, kind: 'steps', value: i, loggedOn: '2026-01-01' });
          expect(entry.status).toBe(201);
        }),
      ),
    );
    const lists = await Promise.all(
      tenants.map(async (t) => ({ t, res: await h.apiRequest().get('/v1/employees?limit=100').set(auth(t)) })),
    );
    for (const { t, res } of lists) {
      expect(res.status).toBe(200);
      expect(res.body.items).toHaveLength(8);
      expect(res.body.items.every((e: { fullName: string }) => e.fullName.startsWith(t.slug))).toBe(true);
    }
    const summaries = await Promise.all(tenants.map((t) => h.apiRequest().get('/v1/wellness-summary').set(auth(t))));
    for (const res of summaries) expect(res.body).toEqual([{ kind: 'steps', count: 8, total: 28, average: 3.5 }]);
  });

  it('serves reads and writes when the pool is saturated by other tenants', async () => {
    const results = await Promise.all(
      Array.from({ length: 60 }, (_, i) => {
        const t = at(tenants, i % tenants.length, 'tenant');
        return h
          .apiRequest()
          .get('/v1/employees?limit=100')
          .set(auth(t))
          .then((res) => ({ t, res }));
      }),
    );
    for (const { t, res } of results) {
      expect(res.status).toBe(200);
      expect(res.body.items.every((e: { email: string }) => e.email.endsWith(`@${t.slug}.io`))).toBe(true);
    }
  });
});
