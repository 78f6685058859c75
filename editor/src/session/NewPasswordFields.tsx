/** A new password, typed twice, with the rule said before it is sent (first start, My account). */
import { useTranslation } from 'react-i18next';
import { TextField } from '../ui/Field.tsx';

/** A new password must have this many characters (the server's rule). */
export const PASSWORD_MIN = 12;

/** Whether the two entries make an acceptable new password. */
export const newPasswordOk = (password: string, repeat: string) => password.length >= PASSWORD_MIN && password === repeat;

export function NewPasswordFields(props: { password: string; repeat: string; onPassword(v: string): void; onRepeat(v: string): void; tried: boolean; serverError?: string }) {
  const { t } = useTranslation();
  return (
    <>
      <TextField
        label={t('session.newPassword')}
        type="password"
        autoComplete="new-password"
        value={props.password}
        onChange={props.onPassword}
        required
        help={t('session.passwordRule', { count: PASSWORD_MIN })}
        error={props.tried && props.password.length < PASSWORD_MIN ? t('session.passwordTooShort', { count: PASSWORD_MIN }) : props.serverError}
      />
      <TextField
        label={t('session.repeatPassword')}
        type="password"
        autoComplete="new-password"
        value={props.repeat}
        onChange={props.onRepeat}
        required
        error={props.tried && props.password !== props.repeat ? t('session.passwordMismatch') : undefined}
      />
    </>
  );
}
