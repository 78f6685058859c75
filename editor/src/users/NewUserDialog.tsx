/** A new user: name, e-mail, role and a first password (made up here if you like), which they change under My account. */
import { useMutation } from '@tanstack/react-query';
import { useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { fieldError } from '../i18n/problems.ts';
import { ASSIGNABLE_ROLES, type AssignableRole, type User } from '../api/types.ts';
import { PASSWORD_MIN } from '../session/NewPasswordFields.tsx';
import { Dialog } from '../ui/Dialog.tsx';
import { SelectField, TextField } from '../ui/Field.tsx';
import { ErrorBox } from '../ui/feedback.tsx';
import { createUser } from '../api/users.ts';

/** A password nobody has to think of: 18 characters from an alphabet without look-alikes (0/O, 1/l/I). */
export function generatePassword(random: (bytes: Uint8Array) => Uint8Array = (b) => crypto.getRandomValues(b)): string {
  const alphabet = 'ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz23456789';
  // 232 is the largest multiple of the alphabet's 58 letters below 256: no letter is likelier than another.
  let out = '';
  while (out.length < 18) for (const byte of random(new Uint8Array(32))) if (byte < 232 && out.length < 18) out += alphabet[byte % alphabet.length];
  return out;
}

export function NewUserDialog(props: { open: boolean; onOpenChange(open: boolean): void; onCreated(user: User): void }) {
  const { t } = useTranslation();
  const [name, setName] = useState('');
  const [email, setEmail] = useState('');
  const [role, setRole] = useState<AssignableRole>('editor');
  const [password, setPassword] = useState('');
  const [shown, setShown] = useState(false);
  const [tried, setTried] = useState(false);
  const create = useMutation({
    mutationFn: () => createUser({ name: name.trim(), email: email.trim(), role, password }),
    onSuccess: (user) => {
      setName('');
      setEmail('');
      setPassword('');
      setTried(false);
      create.reset();
      props.onCreated(user);
    },
  });
  const submit = (event: FormEvent) => {
    event.preventDefault();
    setTried(true);
    if (name.trim() && email.trim() && password.length >= PASSWORD_MIN) create.mutate();
  };
  const named = ['name', 'email', 'role', 'password'].some((path) => fieldError(create.error, path));
  return (
    <Dialog open={props.open} onOpenChange={props.onOpenChange} title={t('users.create')} description={t('users.createDescription')}>
      <form className="form" onSubmit={submit} noValidate>
        <TextField label={t('users.name')} value={name} onChange={setName} required autoFocus autoComplete="off" error={tried && !name.trim() ? t('users.nameMissing') : fieldError(create.error, 'name')} />
        <TextField label={t('users.email')} type="email" value={email} onChange={setEmail} required autoComplete="off" error={tried && !email.trim() ? t('users.emailMissing') : fieldError(create.error, 'email')} />
        <SelectField
          label={t('users.role')}
          value={role}
          onChange={(v) => setRole(v as AssignableRole)}
          options={ASSIGNABLE_ROLES.map((r) => ({ value: r, label: t(`roles.${r}`) }))}
          help={t(`roleHelp.${role}`)}
          error={fieldError(create.error, 'role')}
          testId="new-user-role"
        />
        <TextField
          label={t('users.firstPassword')}
          type={shown ? 'text' : 'password'}
          value={password}
          onChange={setPassword}
          required
          autoComplete="new-password"
          className="mono-field"
          help={t('users.firstPasswordHelp', { count: PASSWORD_MIN })}
          error={tried && password.length < PASSWORD_MIN ? t('session.passwordTooShort', { count: PASSWORD_MIN }) : fieldError(create.error, 'password')}
        />
        <div className="row">
          <button
            type="button"
            className="button small"
            onClick={() => {
              setPassword(generatePassword());
              setShown(true);
            }}
          >
            {t('users.generate')}
          </button>
          <label className="row small">
            <input type="checkbox" className="checkbox" checked={shown} onChange={(e) => setShown(e.target.checked)} />
            {t('users.showPassword')}
          </label>
        </div>
        {create.isError && !named ? <ErrorBox error={create.error} /> : null}
        <div className="dialog-actions">
          <button type="submit" className="button primary" disabled={create.isPending}>
            {t('users.createButton')}
          </button>
        </div>
      </form>
    </Dialog>
  );
}
