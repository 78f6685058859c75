/** Who is signed in, in the header: their account, their API keys, and signing out. */
import { DropdownMenu } from 'radix-ui';
import { useTranslation } from 'react-i18next';
import { guarded, useNavigate } from '../app/navigation.tsx';
import { notifyError } from '../ui/feedback.tsx';
import { useMe, useSignOut } from './session.ts';

export function UserMenu() {
  const { t } = useTranslation();
  const me = useMe();
  const navigate = useNavigate();
  const signOut = useSignOut();
  return (
    <DropdownMenu.Root>
      <DropdownMenu.Trigger className="user-button" title={t('session.menu', { name: me.user.name })} data-testid="user-menu">
        <span className="avatar" aria-hidden>
          {me.user.name.trim().charAt(0).toUpperCase() || '?'}
        </span>
        <span className="user-name">{me.user.name}</span>
        <span className="role-tag">{t(`roles.${me.user.role}`)}</span>
      </DropdownMenu.Trigger>
      <DropdownMenu.Portal>
        <DropdownMenu.Content className="menu" align="end" sideOffset={6}>
          <DropdownMenu.Label className="menu-label">
            <strong>{me.user.name}</strong>
            <span className="muted small">{me.user.email}</span>
          </DropdownMenu.Label>
          <DropdownMenu.Separator className="menu-separator" />
          <DropdownMenu.Item className="menu-item" onSelect={() => navigate('/account')}>
            {t('account.title')}
          </DropdownMenu.Item>
          <DropdownMenu.Item className="menu-item" onSelect={() => navigate('/api-keys')}>
            {t('apiKeys.title')}
          </DropdownMenu.Item>
          <DropdownMenu.Separator className="menu-separator" />
          <DropdownMenu.Item className="menu-item" onSelect={() => guarded(() => void signOut().catch((error: unknown) => notifyError(error)))}>
            {t('session.signOut')}
          </DropdownMenu.Item>
        </DropdownMenu.Content>
      </DropdownMenu.Portal>
    </DropdownMenu.Root>
  );
}
