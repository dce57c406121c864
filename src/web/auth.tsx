// Sign-in state: the token (an API token, or the session token a name-and-password sign-in gives) lives in
// sessionStorage (gone when the tab closes, never in localStorage or a cookie), checked against /api/v1/whoami,
// which also tells the caller's projects and roles. The project chosen (the only one, the credential's, or the
// one picked in the header) is sent as X-Project-Id on every call and names the HSS paths; switching it drops
// everything read for the previous one.
import { useQueryClient } from '@tanstack/react-query';
import { createContext, type ReactNode, useCallback, useContext, useEffect, useMemo, useRef, useState } from 'react';
import { ApiError, type Client, call, makeClient, openSession } from './api/client';
import type { Role, Whoami } from './api/types';

const KEY = 'regatta.token';
const PROJECT_KEY = 'regatta.project';
/** Who-am-I is read again this often, so that a role changed by someone else shows without a reload. */
const REFRESH_MS = 60_000;

export interface Session {
  client: Client;
  name: string;
  me: Whoami;
  /** The project the console acts in; '' when the caller belongs to none. */
  projectId: string;
  /** The caller's role in that project (a superadmin is admin everywhere); null when it has none. */
  role: Role | null;
  chooseProject(id: string): void;
  /** Reads who-am-I again (after roles or projects changed). */
  refresh(): Promise<void>;
  signOut(): void;
}

interface AuthState {
  session?: Session;
  /** Still checking a token kept from earlier in this tab. */
  restoring: boolean;
  signIn(token: string): Promise<void>;
  signInWithPassword(name: string, password: string): Promise<void>;
}

interface Opened {
  token: string;
  me: Whoami;
  projectId: string;
}

const AuthContext = createContext<AuthState | undefined>(undefined);

let landing: { token?: string; error?: string } | undefined;
/**
 * What a single sign-on came back with (/api/v1/oidc/callback sends the browser to `/#sso=<session token>` or
 * `/#sso_error=<message>`): read once, before the router sees the fragment, and taken off the address bar (and so
 * out of the history) at once.
 */
export function ssoLanding(): { token?: string; error?: string } {
  if (!landing) {
    const fragment = new URLSearchParams(window.location.hash.slice(1));
    landing = { token: fragment.get('sso') ?? undefined, error: fragment.get('sso_error') ?? undefined };
    if (fragment.has('sso') || fragment.has('sso_error'))
      window.history.replaceState(null, '', window.location.pathname + window.location.search);
  }
  return landing;
}

const whoami = (token: string) => call<Whoami>(token, 'GET', '/api/v1/whoami');

/** The project to act in: the one asked for if the caller may, else who-am-I's, else its first. */
function pick(me: Whoami, wanted: string | null | undefined): string {
  const ids = me.projects.map((p) => p.id);
  if (wanted && ids.includes(wanted)) return wanted;
  if (me.project_id && ids.includes(me.project_id)) return me.project_id;
  return ids[0] ?? me.project_id;
}

function roleOf(me: Whoami, projectId: string): Role | null {
  if (!projectId) return null;
  if (me.superadmin) return 'admin';
  const listed = me.projects.find((p) => p.id === projectId)?.role;
  return listed ?? (projectId === me.project_id ? ((me.role as Role | null) ?? null) : null);
}

export function AuthProvider({ children }: { children: ReactNode }) {
  const [opened, setOpened] = useState<Opened>();
  const [restoring, setRestoring] = useState(
    () => ssoLanding().token !== undefined || sessionStorage.getItem(KEY) !== null,
  );
  const current = useRef<Opened>(undefined);
  current.current = opened;

  const queries = useQueryClient();
  /** Ends the session; `revoke` also revokes a console session's token on the server (signing out). */
  const end = useCallback(
    (revoke: boolean) => {
      const was = current.current;
      if (revoke && was?.me.credential.kind === 'session')
        call(was.token, 'DELETE', '/api/v1/session').catch(() => undefined);
      sessionStorage.removeItem(KEY);
      sessionStorage.removeItem(PROJECT_KEY);
      setOpened(undefined);
      // Nothing read with the old token stays on screen for the next one.
      queries.clear();
    },
    [queries],
  );
  const signOut = useCallback(() => end(true), [end]);

  // A token revoked or expired mid-session: any call answered 401 ends the session (back to the sign-in form).
  useEffect(() => {
    const expired = (err: unknown) => err instanceof ApiError && err.status === 401;
    const offQueries = queries.getQueryCache().subscribe((e) => {
      if (e.type === 'updated' && expired(e.query.state.error)) end(false);
    });
    const offMutations = queries.getMutationCache().subscribe((e) => {
      if (e.type === 'updated' && expired(e.mutation?.state.error)) end(false);
    });
    return () => {
      offQueries();
      offMutations();
    };
  }, [queries, end]);

  const start = useCallback((token: string, me: Whoami) => {
    const projectId = pick(me, sessionStorage.getItem(PROJECT_KEY));
    sessionStorage.setItem(KEY, token);
    if (projectId) sessionStorage.setItem(PROJECT_KEY, projectId);
    setOpened({ token, me, projectId });
  }, []);

  const signIn = useCallback(
    async (token: string) => {
      const t = token.trim();
      start(t, await whoami(t));
    },
    [start],
  );

  const signInWithPassword = useCallback(
    async (name: string, password: string) => {
      const { token } = await openSession(name.trim(), password);
      start(token, await whoami(token));
    },
    [start],
  );

  const chooseProject = useCallback(
    (id: string) => {
      const was = current.current;
      if (!was || was.projectId === id) return;
      queries.clear();
      sessionStorage.setItem(PROJECT_KEY, id);
      setOpened({ ...was, projectId: id });
    },
    [queries],
  );

  const refresh = useCallback(async () => {
    const was = current.current;
    if (!was) return;
    try {
      const me = await whoami(was.token);
      if (current.current?.token !== was.token) return;
      const projectId = pick(me, current.current.projectId);
      if (projectId !== current.current.projectId) {
        queries.clear();
        if (projectId) sessionStorage.setItem(PROJECT_KEY, projectId);
      }
      setOpened({ token: was.token, me, projectId });
    } catch (err) {
      if (err instanceof ApiError && err.status === 401) end(false);
    }
  }, [queries, end]);

  useEffect(() => {
    if (!opened) return;
    const timer = setInterval(() => void refresh(), REFRESH_MS);
    return () => clearInterval(timer);
  }, [opened, refresh]);

  useEffect(() => {
    // A single sign-on's session comes first: it is the one the person just asked for.
    const kept = ssoLanding().token ?? sessionStorage.getItem(KEY);
    if (!kept) return;
    whoami(kept)
      .then(
        (me) => start(kept, me),
        (err) => {
          if (err instanceof ApiError && err.status === 401) {
            sessionStorage.removeItem(KEY);
            sessionStorage.removeItem(PROJECT_KEY);
          }
        },
      )
      .finally(() => setRestoring(false));
  }, [start]);

  const client = useMemo(() => opened && makeClient(opened.token, opened.projectId), [opened]);
  const value = useMemo<AuthState>(
    () => ({
      session:
        opened && client
          ? {
              client,
              name: opened.me.name,
              me: opened.me,
              projectId: opened.projectId,
              role: roleOf(opened.me, opened.projectId),
              chooseProject,
              refresh,
              signOut,
            }
          : undefined,
      restoring,
      signIn,
      signInWithPassword,
    }),
    [opened, client, restoring, signIn, signInWithPassword, chooseProject, refresh, signOut],
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
