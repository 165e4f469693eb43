import { useEffect, useState } from 'react';
import { get } from './api';

/** How a live view gets its updates. */
export type LiveMode = 'connecting' | 'streaming' | 'polling' | 'ended';

export interface LiveState<T> {
  data: T | undefined;
  error: unknown;
  mode: LiveMode;
}

export interface LiveSource<T> {
  /** The resource (GET), read first and whenever the stream is not available. */
  path: string;
  /** The Server-Sent Events stream of the same resource. */
  stream: string;
  /** The SSE event that carries the resource's JSON; `end` closes the stream. */
  event: string;
  /** True once the resource will not change any more (a function defined once, not per render). */
  finished: (value: T) => boolean;
}

const POLL_MS = 2000;

/** The state of one resource: a new path starts afresh. */
type Tracked<T> = LiveState<T> & { path: string };
const initial = <T>(path: string): Tracked<T> => ({ path, data: undefined, error: undefined, mode: 'connecting' });

/**
 * Follows a resource live: reads it once, then listens to its Server-Sent Events (`EventSource`; the
 * session cookie goes with it, same origin) until the `end` event or a finished state. When the
 * stream fails (not there, or the session ended), it falls back to reading the resource every 2 s,
 * which also reports a lost session (401) to the sign-in.
 */
export function useLiveResource<T>(source: LiveSource<T>): LiveState<T> {
  const { path, stream, event, finished } = source;
  const [state, setState] = useState<Tracked<T>>(() => initial(path));

  useEffect(() => {
    let stopped = false;
    let events: EventSource | undefined;
    let timer: ReturnType<typeof setTimeout> | undefined;
    const controller = new AbortController();

    const update = (patch: Partial<LiveState<T>>) => {
      if (!stopped) setState((previous) => ({ ...(previous.path === path ? previous : initial<T>(path)), ...patch }));
    };
    const finish = () => {
      events?.close();
      if (timer) clearTimeout(timer);
      update({ mode: 'ended' });
    };

    const poll = () => {
      get<T>({ path }, controller.signal).then(
        (data) => {
          update({ data, error: undefined, mode: 'polling' });
          if (finished(data)) finish();
          else if (!stopped) timer = setTimeout(poll, POLL_MS);
        },
        (error: unknown) => {
          if (stopped) return;
          update({ error, mode: 'polling' });
          timer = setTimeout(poll, POLL_MS * 2);
        },
      );
    };

    const listen = () => {
      events = new EventSource(stream);
      events.addEventListener(event, (message: MessageEvent<string>) => {
        const data = JSON.parse(message.data) as T;
        update({ data, error: undefined, mode: 'streaming' });
        if (finished(data)) finish();
      });
      events.addEventListener('end', finish);
      events.onerror = () => {
        // CONNECTING: the browser reconnects by itself. CLOSED: the stream is refused; read instead.
        if (events?.readyState === EventSource.CLOSED && !stopped) {
          events.close();
          poll();
        }
      };
    };

    get<T>({ path }, controller.signal).then(
      (data) => {
        update({ data, error: undefined });
        if (finished(data)) finish();
        else if (!stopped) listen();
      },
      (error: unknown) => {
        if (stopped) return;
        update({ error });
        timer = setTimeout(poll, POLL_MS * 2);
      },
    );

    return () => {
      stopped = true;
      controller.abort();
      events?.close();
      if (timer) clearTimeout(timer);
    };
  }, [path, stream, event, finished]);

  return state.path === path ? state : initial<T>(path);
}
