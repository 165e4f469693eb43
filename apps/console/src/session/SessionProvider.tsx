import { useCallback, useEffect, useMemo, useRef, useState, type ReactNode } from 'react';
import { ApiError, onSessionLost, session as sessionApi, setCsrfToken } from '../api';
import type { ConsoleSession } from '../api-types';
import { SessionContext, type SessionContextValue, type SessionStatus } from './session-context';

interface State {
  status: SessionStatus;
  session?: ConsoleSession;
  error?: unknown;
}

/**
 * Who is signed in: asked of the API once (GET /v1/console/session), kept in memory only. Any 401 of
 * the API marks the session as ended, which sends the pages to the sign-in.
 */
export function SessionProvider({ children }: { children: ReactNode }) {
  const [state, setState] = useState<State>({ status: 'checking' });
  /** Counts sign-ins and sign-outs: the first check must not undo one that happened meanwhile. */
  const changes = useRef(0);

  const adopt = useCallback((session: ConsoleSession | undefined) => {
    changes.current++;
    setCsrfToken(session?.csrfToken);
    setState(session ? { status: 'signed-in', session } : { status: 'signed-out' });
  }, []);

  useEffect(() => onSessionLost(() => adopt(undefined)), [adopt]);

  useEffect(() => {
    let current = true;
    const before = changes.current;
    const stale = () => !current || changes.current !== before;
    sessionApi.current().then(
      (session) => {
        if (!stale()) adopt(session);
      },
      (error: unknown) => {
        if (stale()) return;
        adopt(undefined);
        // Signed out (401), or the API cannot say now: the sign-in page shows why.
        if (!(error instanceof ApiError) || error.status !== 401) setState({ status: 'signed-out', error });
      },
    );
    return () => {
      current = false;
    };
  }, [adopt]);

  const signIn = useCallback<SessionContextValue['signIn']>(
    async (credential) => adopt(await sessionApi.signIn(credential)),
    [adopt],
  );

  const signOut = useCallback(async () => {
    try {
      await sessionApi.signOut();
    } finally {
      adopt(undefined);
    }
  }, [adopt]);

  const value = useMemo<SessionContextValue>(
    () => ({ status: state.status, session: state.session, error: state.error, signIn, signOut }),
    [state, signIn, signOut],
  );
  return <SessionContext.Provider value={value}>{children}</SessionContext.Provider>;
}
