// Sign-in state: the token lives in sessionStorage (gone when the tab closes, never in localStorage or a cookie),
// checked against /api/v1/whoami, which also tells the project the HSS paths need.
import { useQueryClient } from '@tanstack/react-query';
import { createContext, type ReactNode, useCallback, useContext, useEffect, useMemo, useState } from 'react';
import { ApiError, type Client, call, makeClient } from './api/client';

const KEY = 'regatta.token';

interface Session {
  client: Client;
  name: string;
  signOut(): void;
}

interface AuthState {
  session?: Session;
  /** Still checking a token kept from earlier in this tab. */
  restoring: boolean;
  signIn(token: string): Promise<void>;
}

const AuthContext = createContext<AuthState | undefined>(undefined);

async function open(token: string): Promise<{ client: Client; name: string }> {
  const me = await call<{ name: string; project_id: string }>(token, 'GET', '/api/v1/whoami');
  return { client: makeClient(token, me.project_id), name: me.name };
}

export function AuthProvider({ children }: { children: ReactNode }) {
  const [opened, setOpened] = useState<{ client: Client; name: string }>();
  const [restoring, setRestoring] = useState(() => sessionStorage.getItem(KEY) !== null);

  const queries = useQueryClient();
  const signOut = useCallback(() => {
    sessionStorage.removeItem(KEY);
    setOpened(undefined);
    // Nothing read with the old token stays on screen for the next one.
    queries.clear();
  }, [queries]);

  // A token revoked or expired mid-session: any call answered 401 ends the session (back to the sign-in form).
  useEffect(() => {
    const expired = (err: unknown) => err instanceof ApiError && err.status === 401;
    const offQueries = queries.getQueryCache().subscribe((e) => {
      if (e.type === 'updated' && expired(e.query.state.error)) signOut();
    });
    const offMutations = queries.getMutationCache().subscribe((e) => {
      if (e.type === 'updated' && expired(e.mutation?.state.error)) signOut();
    });
    return () => {
      offQueries();
      offMutations();
    };
  }, [queries, signOut]);

  const signIn = useCallback(async (token: string) => {
    const s = await open(token.trim());
    sessionStorage.setItem(KEY, token.trim());
    setOpened(s);
  }, []);

  useEffect(() => {
    const kept = sessionStorage.getItem(KEY);
    if (!kept) return;
    open(kept)
      .then(setOpened, (err) => {
        if (err instanceof ApiError && err.status === 401) sessionStorage.removeItem(KEY);
      })
      .finally(() => setRestoring(false));
  }, []);

  const value = useMemo<AuthState>(
    () => ({ session: opened && { ...opened, signOut }, restoring, signIn }),
    [opened, restoring, signIn, signOut],
  );
  return <AuthContext.Provider value={value}>{children}</AuthContext.Provider>;
}

export function useAuth(): AuthState {
  const state = useContext(AuthContext);
  if (!state) throw new Error('useAuth outside AuthProvider');
  return state;
}

/** The signed-in client; pages render only inside a session. */
export function useClient(): Client {
  const { session } = useAuth();
  if (!session) throw new Error('useClient without a session');
  return session.client;
}
