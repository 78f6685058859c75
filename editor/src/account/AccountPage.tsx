/** My account: who I am, what my role lets me do, and changing my password. */
import { useMutation } from '@tanstack/react-query';
import { useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { toast } from 'sonner';
import { fieldError } from '../i18n/problems.ts';
import { Link } from '../app/navigation.tsx';
import { useMe } from '../session/session.ts';
import { NewPasswordFields, newPasswordOk } from '../session/NewPasswordFields.tsx';
import { TextField } from '../ui/Field.tsx';
import { ErrorBox } from '../ui/feedback.tsx';
import { PageHead } from '../ui/page.tsx';
import { changePassword } from '../api/session.ts';

export default function AccountPage() {
  const { t } = useTranslation();
  const me = useMe();
  return (
    <div className="page narrow">
      <PageHead title={t('account.title')} />
      <section className="card" aria-labelledby="account-profile">
        <h2 id="account-profile">{t('account.profile')}</h2>
        <dl className="facts">
          <dt>{t('users.name')}</dt>
          <dd>{me.user.name}</dd>
          <dt>{t('users.email')}</dt>
          <dd>{me.user.email}</dd>
          <dt>{t('users.role')}</dt>
          <dd>
            <span className="badge">{t(`roles.${me.user.role}`)}</span> <span className="muted small">{t(`roleHelp.${me.user.role}`)}</span>
          </dd>
        </dl>
        <p className="muted small">
          {t('account.keysHint')} <Link to="/api-keys">{t('apiKeys.title')}</Link>
        </p>
      </section>
      <PasswordForm />
    </div>
  );
}

function PasswordForm() {
  const { t } = useTranslation();
  const me = useMe();
  const [current, setCurrent] = useState('');
  const [next, setNext] = useState('');
  const [repeat, setRepeat] = useState('');
  const [tried, setTried] = useState(false);
  const change = useMutation({
    mutationFn: () => changePassword({ currentPassword: current, newPassword: next }),
    onSuccess: () => {
      toast.success(t('account.passwordChanged'));
      setCurrent('');
      setNext('');
      setRepeat('');
      setTried(false);
    },
  });
  const submit = (event: FormEvent) => {
    event.preventDefault();
    setTried(true);
    if (current && newPasswordOk(next, repeat)) change.mutate();
  };
  const currentProblem = fieldError(change.error, 'currentPassword');
  const nextProblem = fieldError(change.error, 'newPassword');
  return (
    <section className="card" aria-labelledby="account-password">
      <h2 id="account-password">{t('account.passwordTitle')}</h2>
      <p className="muted small">{t('account.passwordHint')}</p>
      <form className="form" onSubmit={submit} noValidate>
        {/* For password managers: whose password this is. */}
        <input type="email" autoComplete="username" value={me.user.email} readOnly hidden />
        <TextField
          label={t('account.currentPassword')}
          type="password"
          autoComplete="current-password"
          value={current}
          onChange={setCurrent}
          required
          error={tried && !current ? t('account.currentMissing') : currentProblem ? t('account.currentWrong') : undefined}
        />
        <NewPasswordFields password={next} repeat={repeat} onPassword={setNext} onRepeat={setRepeat} tried={tried} serverError={nextProblem} />
        {change.isError && !currentProblem && !nextProblem ? <ErrorBox error={change.error} /> : null}
        <div>
          <button type="submit" className="button primary" disabled={change.isPending}>
            {t('account.changePassword')}
          </button>
        </div>
      </form>
    </section>
  );
}
