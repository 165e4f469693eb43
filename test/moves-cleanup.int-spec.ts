import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PRIMARY_SERVER, ServerDirectory } from '@switchyard/control-plane';
import { MoveRunner, MovesService } from '@switchyard/moves';
import { withDatabase } from '@switchyard/postgres';
import { Client } from 'pg';
import { singleRow } from './support/elements';
import { startHarness, type Harness } from './support/harness';

/**
 * A tenant that leaves a shared cell leaves its old rows and its fence behind. Removing those rows must
 * not stop the cell's other tenants from writing, and must not open a gap in the fence.
 */
describe('cleanup of a moved tenant in a shared cell', () => {
  let h: Harness;

  beforeAll(async () => {
    // Old data is kept after the move, so the test removes it itself, at a moment of its choosing.
    h = await startHarness({ MOVE_WORKER: 'false', MOVE_RETENTION_MS: '3600000' });
  });
  afterAll(() => h?.close());

  it("deletes the old rows while a neighbour's write is open, and the fence still refuses the tenant's writes", async () => {
    const leaver = await h.createTenant('cleanup-leaver', 'shared');
    const neighbour = await h.createTenant('cleanup-neighbour', 'shared');
    const shared = leaver.placement.database;
    await h.ownerQuery(
      shared,
      `INSERT INTO public.employees (tenant_id, id, email, full_name)
       SELECT $1, gen_random_uuid(), 'p' || i || '@leaver.io', 'Person ' || i FROM generate_series(1, 200) AS i`,
      [leaver.id],
    );
    const runner = h.controlPlane.get(MoveRunner);
    const move = await runner.execute(
      (await h.controlPlane.get(MovesService).request(leaver.id, { tier: 'schema' })).id,
    );
    expect(move.state).toBe('done');
    const leftBehind = async () =>
      singleRow(
        await h.ownerQuery<{ n: number }>(
          shared,
          'SELECT count(*)::int AS n FROM public.employees WHERE tenant_id = $1',
          [leaver.id],
        ),
        'count',
      ).n;
    expect(await leftBehind()).toBe(200);

    // A neighbour's write transaction stays open across the whole cleanup.
    const neighbourTx = new Client({ connectionString: withDatabase(h.config.databaseUrl, shared) });
    await neighbourTx.connect();
    try {
      await neighbourTx.query('BEGIN');
      await neighbourTx.query("SELECT set_config('switchyard.tenant_id', $1, true)", [neighbour.id]);
      await neighbourTx.query(
        "INSERT INTO public.employees (tenant_id, email, full_name) VALUES ($1, 'n@neighbour.io', 'N')",
        [neighbour.id],
      );
      // Taking any table lock that conflicts with the neighbour's write would wait for it forever here.
      await runner.removeSource(move);
      expect(await leftBehind()).toBe(0);
      await neighbourTx.query('COMMIT');
    } finally {
      await neighbourTx.end();
    }
    expect(
      await h.ownerQuery(shared, 'SELECT 1 FROM public.employees WHERE tenant_id = $1', [neighbour.id]),
    ).toHaveLength(1);

    // The fence is still up for the application role: an insert, and a delete of a row put back behind
    // the triggers' back (as a stale copy would be), both fail with SYF01.
    await h.ownerQuery(
      shared,
      `SET session_replication_role = replica;
       INSERT INTO public.employees (tenant_id, email, full_name) VALUES ('${leaver.id}', 'ghost@leaver.io', 'Ghost');
       RESET session_replication_role`,
    );
    const app = new Client({ connectionString: h.api.get(ServerDirectory).appUrl(PRIMARY_SERVER, shared) });
    await app.connect();
    try {
      for (const statement of [
        "INSERT INTO public.employees (tenant_id, email, full_name) VALUES ($1, 'stale@leaver.io', 'Stale')",
        'DELETE FROM public.employees WHERE tenant_id = $1',
      ]) {
        await app.query('BEGIN');
        await app.query("SELECT set_config('switchyard.tenant_id', $1, true)", [leaver.id]);
        await expect(app.query(statement, [leaver.id])).rejects.toMatchObject({ code: 'SYF01' });
        await app.query('ROLLBACK');
      }
      // Even with the cleanup marker set: only the owner's deletion is let through.
      await app.query('BEGIN');
      await app.query(
        "SELECT set_config('switchyard.tenant_id', $1, true), set_config('switchyard.fence_cleanup', $1, true)",
        [leaver.id],
      );
      await expect(app.query('DELETE FROM public.employees WHERE tenant_id = $1', [leaver.id])).rejects.toMatchObject({
        code: 'SYF01',
      });
      await app.query('ROLLBACK');
    } finally {
      await app.end();
    }
    // And the owner too, unless it marks the deletion as the cleanup.
    await expect(
      h.ownerQuery(shared, 'DELETE FROM public.employees WHERE tenant_id = $1', [leaver.id]),
    ).rejects.toMatchObject({ code: 'SYF01' });
    expect(await leftBehind()).toBe(1);
  });
});
