/**
 * Nothing but the sign-in screen until someone is signed in: on first start (no owner
 * yet) the form that creates the owner, otherwise the sign-in form. Once signed in, the
 * screens get the person from `GET /api/me` (`useMe`, `useCan`) and every write carries
 * the session's CSRF token.
 *
 * When the server answers 401 later (the session ended: signed out elsewhere, idle too
 * long, password changed), the sign-in form opens over the screen, so whatever was on it
 * — unsaved changes included — is still there afterwards.
 */
import { useQuery } from '@tanstack/react-query';
import { Dialog as DialogPrimitive } from 'radix-ui';
import { Fragment, useEffect, type ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import { configureApi } from '../api/client.ts';
import { keys } from '../api/queries.ts';
import { ErrorBox, Loading } from '../ui/feedback.tsx';
import { currentCsrfToken, MeContext, useSessionExpired, whoAmI } from './session.ts';
import { SetupForm, SignInForm, WelcomePage } from './SignIn.tsx';
import { setupNeeded } from '../api/session.ts';

configureApi({
  headers: (): Record<string, string> => {
    const token = currentCsrfToken();
    return token ? { 'x-csrf-token': token } : {};
  },
  onUnauthorized: () => useSessionExpired.setState({ expired: true }),
  // The session was renewed elsewhere (a sign-in in another tab): its new token, then the write again.
  refreshCsrf: async () => (await whoAmI().catch(() => null)) !== null,
});

export function SessionGate({ children }: { children: ReactNode }) {
  const me = useQuery({ queryKey: keys.me, queryFn: whoAmI, retry: false, staleTime: Infinity });
  const expired = useSessionExpired((s) => s.expired);
  if (me.isPending) return <Loading />;
  if (me.isError) return <ErrorBox error={me.error} onRetry={() => void me.refetch()} />;
  if (!me.data) return <SignedOut />;
  return (
    <MeContext.Provider value={me.data}>
      {/* Another person signing in gets every screen made afresh for them. */}
      <Fragment key={me.data.user.id}>{children}</Fragment>
      {expired ? <SessionEndedDialog email={me.data.user.email} /> : null}
    </MeContext.Provider>
  );
}

/** The first visit's owner form, or the sign-in form. */
function SignedOut() {
  const setup = useQuery({ queryKey: keys.setup, queryFn: setupNeeded, retry: false });
  useEffect(() => useSessionExpired.setState({ expired: false }), []);
  if (setup.isPending) return <Loading />;
  if (setup.isError) return <ErrorBox error={setup.error} onRetry={() => void setup.refetch()} />;
  return <WelcomePage>{setup.data ? <SetupForm /> : <SignInForm />}</WelcomePage>;
}

function SessionEndedDialog({ email }: { email: string }) {
  const { t } = useTranslation();
  return (
    <DialogPrimitive.Root open>
      <DialogPrimitive.Portal>
        <DialogPrimitive.Overlay className="overlay" />
        {/* Not dismissable: nothing on the screen works until the person signs in again. */}
        <DialogPrimitive.Content className="dialog" onEscapeKeyDown={(e) => e.preventDefault()} onPointerDownOutside={(e) => e.preventDefault()}>
          <DialogPrimitive.Title className="dialog-title">{t('session.expiredTitle')}</DialogPrimitive.Title>
          <DialogPrimitive.Description className="muted">{t('session.expiredDescription')}</DialogPrimitive.Description>
          <SignInForm initialEmail={email} />
        </DialogPrimitive.Content>
      </DialogPrimitive.Portal>
    </DialogPrimitive.Root>
  );
}
