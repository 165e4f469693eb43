import { createServer, connect, type Server, type Socket } from 'node:net';
import { afterEach, describe, expect, inject, it, vi } from 'vitest';
import { createResilientPool, endPool, withOwnerClient } from '@switchyard/postgres';
import { budgetedClient } from './budgeted-client';
import { Permits } from './permits';

/**
 * A TCP proxy to PostgreSQL that passes the start-up through (authentication included) but holds the
 * server's ReadyForQuery and everything after it until `flush()`, then hands it all to the client in one
 * write: the client reads several messages from one packet, as it does when a server ends a connection
 * right after accepting it.
 */
async function coalescingProxy(target: URL) {
  let pending = Buffer.alloc(0);
  let holding = false;
  let client: Socket | undefined;
  let serverClosed = false;
  const server: Server = createServer((socket) => {
    client = socket;
    const upstream = connect(Number(target.port || 5432), target.hostname);
    socket.on('data', (chunk) => upstream.write(chunk));
    socket.on('error', () => undefined);
    upstream.on('data', (chunk: Buffer) => {
      pending = Buffer.concat([pending, chunk]);
      // Server messages are a type byte and a length; pass whole ones until ReadyForQuery ('Z').
      while (!holding && pending.length >= 5) {
        const size = 1 + pending.readUInt32BE(1);
        if (pending[0] === 'Z'.charCodeAt(0)) holding = true;
        else if (pending.length >= size) {
          socket.write(pending.subarray(0, size));
          pending = pending.subarray(size);
        } else break;
      }
    });
    upstream.on('error', () => undefined);
    upstream.on('close', () => (serverClosed = true));
  });
  await new Promise<void>((listening) => server.listen(0, '127.0.0.1', listening));
  const { port } = server.address() as { port: number };
  return {
    port,
    serverClosed: () => serverClosed,
    flush: () => client?.end(pending),
    close: () => new Promise<void>((closed) => server.close(() => closed())),
  };
}

describe('a budgeted pool connection the server ends as it is accepted', () => {
  const cleanups: (() => Promise<void>)[] = [];
  afterEach(async () => {
    for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
  });

  it('is dropped by the pool instead of ending the process with an unheard error', async () => {
    const databaseUrl = new URL(inject('databaseUrl'));
    const proxy = await coalescingProxy(databaseUrl);
    cleanups.push(proxy.close);
    const applicationName = `coalesced-${process.pid}`;
    const proxied = new URL(databaseUrl);
    proxied.hostname = '127.0.0.1';
    proxied.port = String(proxy.port);
    const permits = new Permits(2);
    const pool = createResilientPool(
      {
        connectionString: proxied.toString(),
        application_name: applicationName,
        connectionTimeoutMillis: 20_000,
        Client: budgetedClient({
          server: 'test',
          permits: async () => permits,
          connectTimeoutMs: 20_000,
          relieve: () => undefined,
        }) as never,
      },
      'coalesced',
    );
    cleanups.push(() => endPool(pool));
    const uncaught: unknown[] = [];
    const hear = (error: unknown) => uncaught.push(error);
    process.on('uncaughtException', hear);
    cleanups.push(async () => void process.off('uncaughtException', hear));

    // The server accepts the connection (its ReadyForQuery is held by the proxy), then ends it.
    const connecting = pool.connect().then(
      (client) => ({ client }),
      (error: Error) => ({ error }),
    );
    const owner = (sql: string) =>
      withOwnerClient(databaseUrl.toString(), async (c) => (await c.query(sql, [applicationName])).rows);
    await vi.waitFor(
      async () =>
        expect(
          await owner("SELECT pid FROM pg_stat_activity WHERE application_name = $1 AND state = 'idle'"),
        ).toHaveLength(1),
      { timeout: 20_000 },
    );
    await owner('SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name = $1');
    await vi.waitFor(() => expect(proxy.serverClosed()).toBe(true), { timeout: 20_000 });
    proxy.flush();

    // The client reads ReadyForQuery and the FATAL in one go: the pool gets a dead client or an error,
    // never a crash, and the connection's permit comes back.
    const outcome = await connecting;
    if ('client' in outcome) {
      await expect(outcome.client.query('SELECT 1')).rejects.toThrow();
      outcome.client.release(true);
    }
    await vi.waitFor(() => expect(pool.totalCount).toBe(0));
    await vi.waitFor(() => expect(permits.inUse).toBe(0));
    expect(uncaught).toEqual([]);
  });
});
