import { createContext, useCallback, useContext, useEffect, useState, type ReactNode } from 'react';
import { ApiError, whoAmI } from './api.js';
import type { Identity } from './live/types.js';

const KEY_STORAGE = 'cuecard.apiKey';

export type SessionState =
  | { status: 'checking' }
  | { status: 'signed-out'; problem?: string }
  | { status: 'signed-in'; key: string; identity: Identity };

interface SessionApi {
  session: SessionState;
  signIn(key: string): Promise<SessionState>;
  signOut(): void;
}

const SessionContext = createContext<SessionApi | null>(null);

function readStoredKey(): string | null {
  try {
    return window.localStorage.getItem(KEY_STORAGE);
  } catch {
    return null;
  }
}

async function check(key: string): Promise<SessionState> {
  try {
    return { status: 'signed-in', key, identity: await whoAmI(key) };
  } catch (error) {
    if (error instanceof ApiError && error.status === 401) {
      return {
        status: 'signed-out',
        problem: 'That API key is unknown or has been revoked. Check it and try again.',
      };
    }
    return {
      status: 'signed-out',
      problem: error instanceof Error ? error.message : 'Signing in failed; try again.',
    };
  }
}

/** The API key lives in localStorage; the role comes from the service, never from the key text. */
export function SessionProvider({ children }: { children: ReactNode }) {
  const [session, setSession] = useState<SessionState>(() =>
    readStoredKey() ? { status: 'checking' } : { status: 'signed-out' },
  );

  useEffect(() => {
    const stored = readStoredKey();
    if (!stored) return;
    let cancelled = false;
    void check(stored).then((next) => {
      if (cancelled) return;
      if (next.status === 'signed-out') window.localStorage.removeItem(KEY_STORAGE);
      setSession(next);
    });
    return () => {
      cancelled = true;
    };
  }, []);

  const signIn = useCallback(async (key: string) => {
    const next = await check(key.trim());
    if (next.status === 'signed-in') window.localStorage.setItem(KEY_STORAGE, next.key);
    setSession(next);
    return next;
  }, []);

  const signOut = useCallback(() => {
    window.localStorage.removeItem(KEY_STORAGE);
    setSession({ status: 'signed-out' });
  }, []);

  return (
    <SessionContext.Provider value={{ session, signIn, signOut }}>
      {children}
    </SessionContext.Provider>
  );
}

export function useSession(): SessionApi {
  const api = useContext(SessionContext);
  if (!api) throw new Error('useSession outside SessionProvider');
  return api;
}

/** The signed-in key and identity; pages behind the router's role check may rely on it. */
export function useSignedIn(): { key: string; identity: Identity } {
  const { session } = useSession();
  if (session.status !== 'signed-in') throw new Error('useSignedIn on a signed-out page');
  return session;
}
