/**
 * The signed-in person, as the screens see it: who they are and what their role lets them
 * do (`useCan('workflows:write')`), from `GET /api/me`. The CSRF token every
 * cookie-authenticated write carries is kept here for the API client's header hook.
 */
import { useQueryClient } from '@tanstack/react-query';
import { createContext, useCallback, useContext } from 'react';
import { toast } from 'sonner';
import { create } from 'zustand';
import { ApiError } from '../api/client.ts';
import { keys } from '../api/queries.ts';
import { getMe, signOut } from '../api/session.ts';
import type { Capability, Me, SignedIn } from '../api/types.ts';

let csrfToken: string | null = null;

/** The session's CSRF token (from sign-in or /api/me), or null. */
export const currentCsrfToken = () => csrfToken;
export function rememberCsrfToken(token: string | null): void {
  csrfToken = token;
}

/** Up when the server said 401 while the person was signed in (their session ended): the sign-in dialog shows over the screen. */
export const useSessionExpired = create<{ expired: boolean }>(() => ({ expired: false }));

export const MeContext = createContext<Me | null>(null);

/** The signed-in person (inside the session gate, always there). */
export function useMe(): Me {
  const me = useContext(MeContext);
  if (!me) throw new Error('useMe() is used outside the session gate');
  return me;
}

/** `can('workflows:write')`: whether the signed-in person's role allows a capability. */
export function useCan(): (capability: Capability) => boolean {
  const me = useContext(MeContext);
  return useCallback((capability: Capability) => Boolean(me?.capabilities.includes(capability)), [me]);
}

/** The caller, or null when nobody is signed in. */
export async function whoAmI(): Promise<Me | null> {
  try {
    const me = await getMe();
    rememberCsrfToken(me.csrfToken);
    return me;
  } catch (error) {
    if (error instanceof ApiError && error.status === 401) return null;
    throw error;
  }
}

let signedInHere = false;

/**
 * True once after a sign-in in this page: the address may then be the last person's page
 * rather than one this person asked for (see Shell). Reading it clears it.
 */
export function takeSignedInHere(): boolean {
  const was = signedInHere;
  signedInHere = false;
  return was;
}

/** After a sign-in (or the owner's creation): the new session's token, the person, and every screen's data again. */
export function useSignedIn(): (result: SignedIn) => Promise<void> {
  const queryClient = useQueryClient();
  return async (result) => {
    rememberCsrfToken(result.csrfToken);
    // Set before the person is known: their screens mount as soon as the query has them.
    signedInHere = true;
    const me = await queryClient.fetchQuery({ queryKey: keys.me, queryFn: whoAmI, staleTime: 0 });
    useSessionExpired.setState({ expired: false });
    // What failed while signed out is asked again (a different person gets every screen afresh: SessionGate).
    if (me) void queryClient.invalidateQueries({ predicate: (query) => query.queryKey[0] !== 'me' });
  };
}

/** Signs out: the session ends on the server, and nothing of it stays in this page. */
export function useSignOut(): () => Promise<void> {
  const queryClient = useQueryClient();
  return async () => {
    await signOut().catch((error: unknown) => {
      // Already signed out (401) is signed out; anything else is worth saying.
      if (!(error instanceof ApiError && error.status === 401)) throw error;
    });
    rememberCsrfToken(null);
    // What was said to this person ("Created Vera Viewer") is not for whoever signs in next.
    toast.dismiss();
    // The person first (the session gate watches that query), then everything they could see.
    queryClient.setQueryData(keys.me, null);
    queryClient.removeQueries({ predicate: (query) => query.queryKey[0] !== 'me' });
  };
}
