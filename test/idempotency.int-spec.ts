import { TokenIssuer } from '@switchyard/auth';
import type { Tier } from '@switchyard/control-plane';
import { MoveRunner, MovesService } from '@switchyard/moves';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startHarness } from './support/harness';

/**
 * Safe retries: a POST retried with its Idempotency-Key creates one row, in every tier, across a move,
 * and under concurrent duplicates; the key belongs to its tenant alone.
 */
async function setup() {
  const h = await startHarness();
  const clientOf = async (slug: string, tier: Tier) => {
    const tenant = await h.createTenant(slug, tier);
    return { tenant, auth: { Authorization: `Bearer ${h.tokenFor(tenant.id)}` } };
  };
  const post = (auth: Record<string, string>, key: string | undefined, body: object) => {
    const req = h.apiRequest().post('/v1/employees').set(auth);
    return (key === undefined ? req : req.set('Idempotency-Key', key)).send(body);
  };
  const employeeCount = async (auth: Record<string, string>) =>
    ((await h.apiRequest().get('/v1/employees?limit=100').set(auth).expect(200)).body.items as unknown[]).length;
  return { h, clientOf, post, employeeCount };
}

describe('Idempotency-Key', () => {
  let ctx: Awaited<ReturnType<typeof setup>>;
  beforeAll(async () => {
    ctx = await setup();
  });
  afterAll(() => ctx?.h.close());

  it.each<Tier>(['shared', 'schema', 'database'])(
    'replays a retried POST instead of a second row (%s)',
    async (tier) => {
      const { clientOf, post, employeeCount } = ctx;
      const { auth } = await clientOf(`idem-${tier}`, tier);
      const body = { email: 'kim@idem.io', fullName: 'Kim' };

      const first = await post(auth, 'order-1', body);
      expect(first.status).toBe(201);
      expect(first.headers['idempotency-replayed']).toBeUndefined();
      const retry = await post(auth, 'order-1', body);
      expect(retry.status).toBe(201);
      expect(retry.headers['idempotency-replayed']).toBe('true');
      expect(retry.body).toEqual(first.body);
      expect(await employeeCount(auth)).toBe(1);

      // The same key for another request is a client bug, said plainly; nothing is created.
      const reused = await post(auth, 'order-1', { email: 'other@idem.io', fullName: 'Other' });
      expect(reused.status).toBe(422);
      expect(reused.body.code).toBe('IDEMPOTENCY_KEY_REUSED');
      expect(await employeeCount(auth)).toBe(1);

      // A request that failed gives its key back: the retry runs (and fails the same way), nothing kept.
      const taken = await post(auth, 'order-2', body);
      expect(taken.status).toBe(409);
      expect((await post(auth, 'order-2', body)).headers['idempotency-replayed']).toBeUndefined();
      expect((await post(auth, 'order-2', { email: 'new@idem.io', fullName: 'New' })).status).toBe(201);
      expect(await employeeCount(auth)).toBe(2);
    },
  );

  it('keeps keys apart per tenant and refuses a malformed key', async () => {
    const { clientOf, post, employeeCount } = ctx;
    const a = await clientOf('idem-a', 'shared');
    const b = await clientOf('idem-b', 'shared');
    const body = { email: 'same@idem.io', fullName: 'Same' };
    const fromA = await post(a.auth, 'shared-key', body);
    const fromB = await post(b.auth, 'shared-key', body);
    expect([fromA.status, fromB.status]).toEqual([201, 201]);
    expect(fromB.headers['idempotency-replayed']).toBeUndefined();
    expect(fromB.body.id).not.toBe(fromA.body.id);
    expect(await employeeCount(b.auth)).toBe(1);

    const bad = await post(a.auth, 'has a space', { email: 'x@idem.io', fullName: 'X' });
    expect(bad.status).toBe(400);
    expect(bad.body.code).toBe('VALIDATION_FAILED');
  });

  it('creates one row from concurrent duplicates', async () => {
    const { clientOf, post, employeeCount } = ctx;
    const { auth } = await clientOf('idem-race', 'schema');
    const body = { email: 'race@idem.io', fullName: 'Race' };
    const answers = await Promise.all(Array.from({ length: 8 }, () => post(auth, 'race-key', body)));
    // Each duplicate is either the replay of the one that ran, or told to retry shortly.
    for (const answer of answers) expect([201, 409]).toContain(answer.status);
    const created = answers.filter((a) => a.status === 201);
    expect(new Set(created.map((a) => a.body.id)).size).toBe(1);
    expect(await employeeCount(auth)).toBe(1);
    expect((await post(auth, 'race-key', body)).headers['idempotency-replayed']).toBe('true');
  });

  it('replays after the tenant moved: the keys moved with its data', async () => {
    const { h, clientOf, post, employeeCount } = ctx;
    const { tenant, auth } = await clientOf('idem-mover', 'shared');
    const body = { email: 'mover@idem.io', fullName: 'Mover' };
    const first = await post(auth, 'before-move', body);
    expect(first.status).toBe(201);

    const move = await h.controlPlane.get(MovesService).request(tenant.slug, { tier: 'schema' });
    expect(await h.controlPlane.get(MoveRunner).execute(move.id)).toMatchObject({ state: 'done' });

    const retry = await post(auth, 'before-move', body);
    expect(retry.headers['idempotency-replayed']).toBe('true');
    expect(retry.body.id).toBe(first.body.id);
    expect(await employeeCount(auth)).toBe(1);
  });

  it.each<Tier>(['shared', 'schema', 'database'])(
    'deletes a tenant’s expired keys on its next keyed POST, at most hourly (%s)',
    async (tier) => {
      const { h, clientOf, post } = ctx;
      const { tenant, auth } = await clientOf(`idem-purge-${tier}`, tier);
      const { database, schema } = tenant.placement;
      const table = `"${schema}".idempotency_keys`;
      const insertExpired = (key: string) =>
        h.ownerQuery(
          database,
          `INSERT INTO ${table} (tenant_id, key, request_hash, status, response, created_at)
           VALUES ($1, $2, 'old', 201, '{}', now() - interval '30 days')`,
          [tenant.id, key],
        );
      const keys = async () =>
        (
          await h.ownerQuery<{ key: string }>(database, `SELECT key FROM ${table} WHERE tenant_id = $1 ORDER BY key`, [
            tenant.id,
          ])
        ).map((r) => r.key);

      await insertExpired('expired-1');
      expect((await post(auth, 'fresh-1', { email: `a-${tier}@purge.io`, fullName: 'A' })).status).toBe(201);
      expect(await keys()).toEqual(['fresh-1']);

      // Within the hour the next POST does not scan again; the expired key waits for a later one.
      await insertExpired('expired-2');
      expect((await post(auth, 'fresh-2', { email: `b-${tier}@purge.io`, fullName: 'B' })).status).toBe(201);
      expect(await keys()).toEqual(['expired-2', 'fresh-1', 'fresh-2']);
    },
  );

  it('makes the control plane’s POSTs safe to retry too, per operator', async () => {
    const { h } = ctx;
    const issuer = new TokenIssuer(h.config);
    const asOps = (sub: string) => ({
      Authorization: `Bearer ${issuer.issue({ sub, roles: ['ops'], expiresInSeconds: 600 })}`,
    });
    const create = (auth: Record<string, string>, key: string, slug: string) =>
      h
        .cpRequest()
        .post('/v1/tenants')
        .set(auth)
        .set('Idempotency-Key', key)
        .send({ slug, name: slug, tier: 'shared' });

    // A key another operator left long ago: the first keyed POST of this process deletes it.
    const control = h.config.names.controlDatabase;
    await h.ownerQuery(
      control,
      `INSERT INTO ops_idempotency_keys (actor, key, request_hash, status, response, created_at)
       VALUES ('ops:gone', 'expired', 'old', 201, '{}', now() - interval '30 days')`,
    );

    const first = await create(asOps('ops:ana'), 'create-1', 'idem-cp');
    expect(first.status).toBe(201);
    expect(await h.ownerQuery(control, "SELECT key FROM ops_idempotency_keys WHERE actor = 'ops:gone'")).toEqual([]);
    const retry = await create(asOps('ops:ana'), 'create-1', 'idem-cp');
    expect(retry.status).toBe(201);
    expect(retry.headers['idempotency-replayed']).toBe('true');
    expect(retry.body.id).toBe(first.body.id);
    expect(first.headers.location).toBe(`/v1/tenants/${first.body.id}`);
    expect(retry.headers.location).toBe(first.headers.location);
    expect((await create(asOps('ops:ana'), 'create-1', 'idem-cp-other')).status).toBe(422);
    // Another operator's key of the same name is theirs: it runs.
    const bob = await create(asOps('ops:bob'), 'create-1', 'idem-cp-bob');
    expect(bob.status).toBe(201);
    expect(bob.headers['idempotency-replayed']).toBeUndefined();
    const created = await h.ownerQuery(
      h.config.names.controlDatabase,
      "SELECT slug FROM tenants WHERE slug LIKE 'idem-cp%' ORDER BY slug",
    );
    expect(created).toEqual([{ slug: 'idem-cp' }, { slug: 'idem-cp-bob' }]);
  });
});
