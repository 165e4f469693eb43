import { useCallback, useEffect, useState } from 'react';
import { get, type Resource } from '../api';

interface Loaded<T> {
  /** Which load (path and reload count) this answer belongs to. */
  key: string;
  data?: T;
  error?: unknown;
}

export interface ResourceState<T> {
  /** The latest answer; kept while the next one loads, so a table does not blink between pages. */
  data: T | undefined;
  error: unknown;
  loading: boolean;
  reload: () => void;
}

/**
 * Loads a GET resource, again whenever its path changes, on `reload()`, and every `refreshMs` if
 * given. `null` loads nothing.
 */
export function useResource<T>(target: Resource<T> | null, refreshMs?: number): ResourceState<T> {
  const path = target?.path ?? null;
  const [version, setVersion] = useState(0);
  const [loaded, setLoaded] = useState<Loaded<T>>({ key: '' });
  const key = path === null ? '' : `${version}:${path}`;

  useEffect(() => {
    if (path === null) return;
    const controller = new AbortController();
    get<T>({ path }, controller.signal).then(
      (data) => setLoaded({ key: `${version}:${path}`, data }),
      (error: unknown) => {
        if (!controller.signal.aborted)
          setLoaded((previous) => ({ key: `${version}:${path}`, data: previous.data, error }));
      },
    );
    return () => controller.abort();
  }, [path, version]);

  useEffect(() => {
    if (!refreshMs || path === null) return;
    const timer = setInterval(() => setVersion((v) => v + 1), refreshMs);
    return () => clearInterval(timer);
  }, [refreshMs, path]);

  const reload = useCallback(() => setVersion((v) => v + 1), []);
  return {
    data: path === null ? undefined : loaded.data,
    error: loaded.key === key ? loaded.error : undefined,
    loading: path !== null && loaded.key !== key,
    reload,
  };
}
