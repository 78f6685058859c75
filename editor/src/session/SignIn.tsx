/** The signed-out screens: sign in, and on first start the form that creates the owner. */
import { useMutation } from '@tanstack/react-query';
import { useState, type FormEvent, type ReactNode } from 'react';
import type { TFunction } from 'i18next';
import { useTranslation } from 'react-i18next';
import { ApiError } from '../api/client.ts';
import { LanguageSelect } from '../i18n/LanguageSelect.tsx';
import { fieldError } from '../i18n/problems.ts';
import { TextField } from '../ui/Field.tsx';
import { messageOf } from '../ui/feedback.tsx';
import { NewPasswordFields, newPasswordOk } from './NewPasswordFields.tsx';
import { useSignedIn } from './session.ts';
import { setupOwner, signIn as signInWith } from '../api/session.ts';

export function WelcomePage({ children }: { children: ReactNode }) {
  return (
    <div className="welcome">
      <main className="welcome-panel" id="main">
        <div className="row between">
          <span className="brand welcome-brand">
            <img src="/favicon.svg" alt="" width={26} height={26} /> Junction
          </span>
          <LanguageSelect />
        </div>
        {children}
      </main>
    </div>
  );
}

/** The sentence for a failed sign-in: wrong e-mail or password, or too soon after wrong ones (429 with Retry-After, in seconds). */
export function signInProblem(error: unknown, t: TFunction): string {
  if (error instanceof ApiError && error.code === 'sign_in_locked') {
    return t('session.locked', { count: Math.max(1, Math.ceil(error.retryAfter ?? 30)) });
  }
  if (error instanceof ApiError && error.code === 'invalid_credentials') return t('session.invalid');
  return messageOf(error);
}

export function SignInForm({ initialEmail = '' }: { initialEmail?: string }) {
  const { t } = useTranslation();
  const signedIn = useSignedIn();
  const [email, setEmail] = useState(initialEmail);
  const [password, setPassword] = useState('');
  const signIn = useMutation({ mutationFn: () => signInWith({ email: email.trim(), password }), onSuccess: signedIn });
  const submit = (event: FormEvent) => {
    event.preventDefault();
    signIn.mutate();
  };
  return (
    <form className="form" onSubmit={submit} aria-labelledby="sign-in-title">
      <h1 id="sign-in-title">{t('session.signInTitle')}</h1>
      <TextField label={t('session.email')} type="email" autoComplete="username" value={email} onChange={setEmail} required autoFocus={!initialEmail} />
      <TextField label={t('session.password')} type="password" autoComplete="current-password" value={password} onChange={setPassword} required autoFocus={Boolean(initialEmail)} />
      {signIn.isError ? (
        <p className="error-box" role="alert" data-testid="sign-in-error">
          {signInProblem(signIn.error, t)}
        </p>
      ) : null}
      <button type="submit" className="button primary" disabled={signIn.isPending || !email.trim() || !password}>
        {signIn.isPending ? t('session.signingIn') : t('session.signIn')}
      </button>
    </form>
  );
}

/** First start: nobody has an account yet, so the first visitor creates the owner, and is signed in. */
export function SetupForm() {
  const { t } = useTranslation();
  const signedIn = useSignedIn();
  const [email, setEmail] = useState('');
  const [name, setName] = useState('');
  const [password, setPassword] = useState('');
  const [repeat, setRepeat] = useState('');
  const [tried, setTried] = useState(false);
  const setup = useMutation({ mutationFn: () => setupOwner({ email: email.trim(), name: name.trim(), password }), onSuccess: signedIn });
  const submit = (event: FormEvent) => {
    event.preventDefault();
    setTried(true);
    if (newPasswordOk(password, repeat)) setup.mutate();
  };
  return (
    <form className="form" onSubmit={submit} aria-labelledby="setup-title" noValidate>
      <h1 id="setup-title">{t('session.setupTitle')}</h1>
      <p className="muted">{t('session.setupIntro')}</p>
      <TextField label={t('session.name')} autoComplete="name" value={name} onChange={setName} required autoFocus error={fieldError(setup.error, 'name')} />
      <TextField label={t('session.email')} type="email" autoComplete="username" value={email} onChange={setEmail} required error={fieldError(setup.error, 'email')} />
      <NewPasswordFields password={password} repeat={repeat} onPassword={setPassword} onRepeat={setRepeat} tried={tried} serverError={fieldError(setup.error, 'password')} />
      {setup.isError && !fieldError(setup.error, 'email') && !fieldError(setup.error, 'name') && !fieldError(setup.error, 'password') ? (
        <p className="error-box" role="alert">
          {messageOf(setup.error)}
        </p>
      ) : null}
      <button type="submit" className="button primary" disabled={setup.isPending}>
        {t('session.createOwner')}
      </button>
    </form>
  );
}
