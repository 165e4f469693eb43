import { createContext, useContext } from 'react';
import type { ConsoleSession } from '../api-types';

export type SessionStatus = 'checking' | 'signed-in' | 'signed-out';

export interface SessionContextValue {
  status: SessionStatus;
  session: ConsoleSession | undefined;
  /** Why the session could not be checked (the API unavailable), when that is why we are signed out. */
  error: unknown;
  /** Trades a one-time code or an ops token for a session cookie; throws the API's problem. */
  signIn: (credential: { code: string } | { token: string }) => Promise<void>;
  signOut: () => Promise<void>;
}

export const SessionContext = createContext<SessionContextValue | undefined>(undefined);

export function useSession(): SessionContextValue {
  const value = useContext(SessionContext);
  if (!value) throw new Error('useSession needs a SessionProvider');
  return value;
}
