import type { Server } from 'node:http';
import { setTimeout as sleep } from 'node:timers/promises';
import type { Request, Response } from 'express';

export interface EventStreamOptions<T> {
  /** The event's name (`event:` line). */
  event: string;
  /** Reads the current state; it is sent whenever its JSON differs from the last one sent. */
  read: () => Promise<T>;
  /** True when nothing will change any more: the stream sends `end` and closes. */
  finished: (state: T) => boolean;
  /** Time between reads. */
  intervalMs?: number;
}

/** What a client waits before reconnecting after the stream was cut (a restart, a database outage). */
const RETRY_MS = 2_000;
/** A comment line now and then keeps proxies from closing a quiet stream. */
const KEEPALIVE_MS = 15_000;

/**
 * Pushes a changing record to a browser as Server-Sent Events: `first` (already read, so a missing
 * record was a 404 before any byte went out), then every change, then `end`. The stream stops when the
 * client goes, when the server stops listening (shutdown: the client reconnects elsewhere), and when a
 * read fails (the client reconnects after RETRY_MS and is sent the state afresh).
 */
export async function streamEvents<T>(
  request: Request,
  response: Response,
  first: T,
  options: EventStreamOptions<T>,
): Promise<void> {
  // Node sets the listening server on each of its sockets; the type does not say so.
  const server = (request.socket as { server?: Server }).server;
  let open = true;
  request.on('close', () => (open = false));
  response.status(200).set({
    'Content-Type': 'text/event-stream; charset=utf-8',
    'Cache-Control': 'no-store',
    'X-Accel-Buffering': 'no',
  });
  response.flushHeaders();
  response.write(`retry: ${RETRY_MS}\n\n`);

  let last = '';
  let state = first;
  let quietSince = Date.now();
  const intervalMs = options.intervalMs ?? 250;
  try {
    while (open && server?.listening !== false) {
      const data = JSON.stringify(state);
      if (data !== last) {
        response.write(`event: ${options.event}\ndata: ${data}\n\n`);
        last = data;
        quietSince = Date.now();
      } else if (Date.now() - quietSince > KEEPALIVE_MS) {
        response.write(': keep-alive\n\n');
        quietSince = Date.now();
      }
      if (options.finished(state)) {
        response.write('event: end\ndata: {}\n\n');
        break;
      }
      await sleep(intervalMs);
      if (open) state = await options.read();
    }
  } catch {
    // The client reconnects and is sent the state afresh; nothing is lost by ending here.
  }
  response.end();
}
