import type { Tier } from '@switchyard/control-plane';
import { MoveRunner, MovesService } from '@switchyard/moves';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startHarness } from './support/harness';

/**
 * Conditional requests as a client relies on them, in every tier and across a move: an ETag per single
 * resource, 304 for an If-None-Match that is current, and 412 — with nothing changed — for a PATCH or
 * DELETE whose If-Match is stale.
 */
async function setup() {
  const h = await startHarness();
  const api = () => h.apiRequest();
  const clientOf = async (slug: string, tier: Tier) => {
    const tenant = await h.createTenant(slug, tier);
    const auth = { Authorization: `Bearer ${h.tokenFor(tenant.id)}` };
    return { tenant, auth };
  };
  return { h, api, clientOf };
}

describe('conditional requests', () => {
  let ctx: Awaited<ReturnType<typeof setup>>;
  beforeAll(async () => {
    ctx = await setup();
  });
  afterAll(() => ctx?.h.close());

  it.each<Tier>(['shared', 'schema', 'database'])(
    'tag, revalidate and refuse stale writes in the %s tier',
    async (tier) => {
      const { api, clientOf } = ctx;
      const { auth } = await clientOf(`cond-${tier}`, tier);
      const created = await api().post('/v1/employees').set(auth).send({ email: 'kim@cond.io', fullName: 'Kim' });
      const id = created.body.id as string;

      const read = await api().get(`/v1/employees/${id}`).set(auth).expect(200);
      const tag = read.headers.etag as string;
      expect(tag).toMatch(/^"[A-Za-z0-9_-]+"$/);
      const again = await api().get(`/v1/employees/${id}`).set(auth).set('If-None-Match', tag);
      expect({ status: again.status, body: again.text }).toEqual({ status: 304, body: '' });

      const renamed = await api()
        .patch(`/v1/employees/${id}`)
        .set(auth)
        .set('If-Match', tag)
        .send({ fullName: 'Kim Lee' });
      expect(renamed.status).toBe(200);
      const newTag = renamed.headers.etag as string;
      expect(newTag).not.toBe(tag);
      expect((await api().get(`/v1/employees/${id}`).set(auth).set('If-None-Match', tag)).status).toBe(200);

      // A writer holding the old tag loses, and changes nothing.
      const stale = await api().patch(`/v1/employees/${id}`).set(auth).set('If-Match', tag).send({ fullName: 'Lost' });
      expect(stale.status).toBe(412);
      expect(stale.body.code).toBe('PRECONDITION_FAILED');
      expect((await api().delete(`/v1/employees/${id}`).set(auth).set('If-Match', tag)).status).toBe(412);
      expect((await api().get(`/v1/employees/${id}`).set(auth).expect(200)).body.fullName).toBe('Kim Lee');

      // Wellness entries the same way; an If-Match on nothing there is a 412 too.
      const entry = await api()
        .post('/v1/wellness-entries')
        .set(auth)
        .send({ employeeId: id, kind: 'steps', value: 500, loggedOn: '2026-04-01' });
      const entryTag = (await api().get(`/v1/wellness-entries/${entry.body.id}`).set(auth).expect(200)).headers
        .etag as string;
      expect(
        (await api().get(`/v1/wellness-entries/${entry.body.id}`).set(auth).set('If-None-Match', `"x", ${entryTag}`))
          .status,
      ).toBe(304);
      expect(
        (await api().delete(`/v1/wellness-entries/${entry.body.id}`).set(auth).set('If-Match', '"stale"')).status,
      ).toBe(412);
      expect(
        (await api().delete(`/v1/wellness-entries/${entry.body.id}`).set(auth).set('If-Match', entryTag)).status,
      ).toBe(204);

      expect((await api().delete(`/v1/employees/${id}`).set(auth).set('If-Match', newTag)).status).toBe(204);
      expect(
        (await api().patch(`/v1/employees/${id}`).set(auth).set('If-Match', '*').send({ fullName: 'X' })).status,
      ).toBe(412);
    },
  );

  it('keeps an ETag valid across a move: the representation did not change', async () => {
    const { h, api, clientOf } = ctx;
    const { tenant, auth } = await clientOf('cond-mover', 'shared');
    const id = (await api().post('/v1/employees').set(auth).send({ email: 'mo@cond.io', fullName: 'Mo' })).body.id;
    const tag = (await api().get(`/v1/employees/${id}`).set(auth).expect(200)).headers.etag as string;

    const move = await h.controlPlane.get(MovesService).request(tenant.slug, { tier: 'database' });
    expect(await h.controlPlane.get(MoveRunner).execute(move.id)).toMatchObject({ state: 'done' });

    expect((await api().get(`/v1/employees/${id}`).set(auth).set('If-None-Match', tag)).status).toBe(304);
    const renamed = await api().patch(`/v1/employees/${id}`).set(auth).set('If-Match', tag).send({ fullName: 'Mo B' });
    expect(renamed.status).toBe(200);
  });
});
