import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { MovesRepository } from '@switchyard/control-plane';
import { MoveRunner, MovesService } from '@switchyard/moves';
import { withDatabase } from '@switchyard/postgres';
import { Client } from 'pg';
import { startHarness, type Harness } from './support/harness';

/**
 * Moves meet other moves and writers on shared tables; PostgreSQL may pick a move's transaction as a
 * deadlock's victim. That is contention, not a reason for the move to fail: it is undone and run again.
 */
describe('a move chosen as a deadlock victim', () => {
  let h: Harness;

  beforeAll(async () => {
    // Trigger DDL waits longer for a lock than the server's deadlock_timeout (1 s), so the deadlock is
    // what ends the wait, as it does between moves.
    h = await startHarness({ MOVE_WORKER: 'false', MOVE_LOCK_TIMEOUT_MS: '10000' });
  });
  afterAll(() => h?.close());

  it('is rolled back and run again to done', async () => {
    const tenant = await h.createTenant('deadlock-mover', 'shared');
    await h.ownerQuery(
      tenant.placement.database,
      "INSERT INTO employees (tenant_id, email, full_name) VALUES ($1, 'a@dl.io', 'A'), ($1, 'b@dl.io', 'B')",
      [tenant.id],
    );
    const other = new Client({
      connectionString: withDatabase(h.config.databaseUrl, h.config.names.sharedDatabase),
      application_name: 'deadlock-other',
    });
    await other.connect();
    try {
      // Another transaction writes the child table …
      await other.query('BEGIN');
      await other.query('LOCK TABLE wellness_entries IN ROW EXCLUSIVE MODE');
      const move = await h.controlPlane.get(MovesService).request(tenant.slug, { tier: 'schema' });
      const running = h.controlPlane.get(MoveRunner).execute(move.id);
      // … while the move's trigger DDL holds the parent table and waits for the child …
      await vi.waitFor(
        async () =>
          expect(
            await h.ownerQuery('postgres', 'SELECT pid FROM pg_stat_activity WHERE $1 = ANY(pg_blocking_pids(pid))', [
              (other as unknown as { processID: number }).processID,
            ]),
          ).toHaveLength(1),
        { timeout: 20_000, interval: 10 },
      );
      // … and then wants the parent: a cycle. The move waited first, so its check finds it and it is the
      // victim; the other transaction gets its lock.
      await other.query('LOCK TABLE employees IN ROW EXCLUSIVE MODE');
      await other.query('COMMIT');
      await running;

      const ended = await h.controlPlane.get(MovesRepository).findById(move.id);
      expect(ended).toMatchObject({ state: 'done', error: null, rowsCopied: 2 });
      const served = await h
        .apiRequest()
        .get('/v1/employees')
        .set('Authorization', `Bearer ${h.tokenFor(tenant.id)}`);
      expect(served.body.items).toHaveLength(2);
    } finally {
      await other.end();
    }
  });
});
