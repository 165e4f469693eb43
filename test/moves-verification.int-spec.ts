import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TenantsRepository } from '@switchyard/control-plane';
import { MoveRunner, MovesService } from '@switchyard/moves';
import { singleRow } from './support/elements';
import { startHarness, type Harness } from './support/harness';
import { waitForMove } from './support/moves';

/**
 * The verification is what stands between a damaged copy and a cutover onto it: a copy that differs
 * from the source in a single row must stop the move, roll it back, and leave the tenant where it was.
 */
describe('move verification', () => {
  let h: Harness;

  beforeAll(async () => {
    // Each phase pauses 1.5 s, long enough to damage the copy between the copy and the cutover.
    h = await startHarness({ MOVE_WORKER: 'false', MOVE_PHASE_DELAY_MS: '1500' });
  });
  afterAll(() => h?.close());

  it('a copy that differs in one row fails the move and rolls it back', async () => {
    const tenant = await h.createTenant('verify-me', 'shared');
    await h.ownerQuery(
      tenant.placement.database,
      `INSERT INTO public.employees (tenant_id, id, email, full_name)
       SELECT $1, gen_random_uuid(), 'p' || i || '@verify.io', 'Person ' || i FROM generate_series(1, 300) AS i`,
      [tenant.id],
    );
    const digest = async () =>
      singleRow(
        await h.ownerQuery(
          tenant.placement.database,
          `SELECT count(*)::int AS n, md5(string_agg(full_name, ',' ORDER BY id)) AS h FROM public.employees WHERE tenant_id = $1`,
          [tenant.id],
        ),
        'digest row',
      );
    const before = await digest();

    const move = await h.controlPlane.get(MovesService).request(tenant.id, { tier: 'schema' });
    const running = h.controlPlane.get(MoveRunner).execute(move.id);
    await waitForMove(h, move.id, 'catching_up', 20_000);
    // The copy is complete now; damage one row of it, as a faulty disk or a stray hand would.
    const damaged = await h.ownerQuery(
      tenant.placement.database,
      `UPDATE "${move.toSchema}".employees SET full_name = 'tampered' WHERE id = (SELECT id FROM "${move.toSchema}".employees ORDER BY id LIMIT 1) RETURNING id`,
    );
    expect(damaged).toHaveLength(1);

    const finished = await running;
    expect(finished.state).toBe('failed');
    expect(finished.error).toMatch(/verification failed/);
    const after = await h.controlPlane.get(TenantsRepository).findById(tenant.id);
    expect(after).toMatchObject({ tier: 'shared', version: tenant.version });
    expect(await digest()).toEqual(before);
    const leftover = await h.ownerQuery(tenant.placement.database, 'SELECT 1 FROM pg_namespace WHERE nspname = $1', [
      move.toSchema,
    ]);
    expect(leftover).toEqual([]);
  });
});
