/**
 * Users (admins): who may use Junction and with which role. Create a user with a role
 * and a first password, change a role, disable or enable an account. The owner, and
 * your own account (see My account), are not changed here.
 */
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { toast } from 'sonner';
import { keys } from '../api/queries.ts';
import { ASSIGNABLE_ROLES, type AssignableRole, type User } from '../api/types.ts';
import { useFormat } from '../i18n/format.ts';
import { useMe } from '../session/session.ts';
import { ConfirmDialog } from '../ui/Dialog.tsx';
import { notifyError } from '../ui/feedback.tsx';
import { ActionsHeader, ListPage } from '../ui/page.tsx';
import { NewUserDialog } from './NewUserDialog.tsx';
import { disableUser, enableUser, updateUser, useUsers } from '../api/users.ts';

export default function UsersPage() {
  const { t } = useTranslation();
  const format = useFormat();
  const me = useMe();
  const queryClient = useQueryClient();
  const users = useUsers();
  const [creating, setCreating] = useState(false);
  const [disabling, setDisabling] = useState<User | null>(null);
  const refresh = () => queryClient.invalidateQueries({ queryKey: keys.users });
  const change = useMutation({
    mutationFn: (action: { kind: 'role'; user: User; role: AssignableRole } | { kind: 'disable' | 'enable'; user: User }) => {
      if (action.kind === 'role') return updateUser(action.user.id, { role: action.role });
      return action.kind === 'disable' ? disableUser(action.user.id) : enableUser(action.user.id);
    },
    onSuccess: (user, action) => {
      if (action.kind === 'role') toast.success(t('users.roleChanged', { name: user.name, role: t(`roles.${user.role}`) }));
      else toast.success(t(action.kind === 'disable' ? 'users.disabled' : 'users.enabled', { name: user.name }));
      void refresh();
    },
    onError: (error) => notifyError(error, t('users.changeFailed')),
  });
  // The owner is never changed here; nor are you (your own account is under My account).
  const manageable = (user: User) => user.role !== 'owner' && user.id !== me.user.id;

  return (
    <ListPage
      title={t('users.title')}
      intro={t('users.intro')}
      actions={
        <button type="button" className="button primary" onClick={() => setCreating(true)}>
          {t('users.create')}
        </button>
      }
      query={users}
      items={users.data}
      table={(items) => (
        <table className="table" data-testid="users">
          <thead>
            <tr>
              <th scope="col">{t('users.name')}</th>
              <th scope="col">{t('users.role')}</th>
              <th scope="col">{t('users.status')}</th>
              <th scope="col">{t('users.created')}</th>
              <ActionsHeader />
            </tr>
          </thead>
          <tbody>
            {items.map((user) => (
              <tr key={user.id} data-testid="user-row">
                <td>
                  <strong>{user.name}</strong> {user.id === me.user.id ? <span className="badge">{t('users.you')}</span> : null}
                  <div className="muted small">{user.email}</div>
                </td>
                <td>
                  {manageable(user) ? (
                    <select
                      className="input"
                      value={user.role}
                      aria-label={t('users.roleOf', { name: user.name })}
                      disabled={change.isPending}
                      onChange={(e) => change.mutate({ kind: 'role', user, role: e.target.value as AssignableRole })}
                    >
                      {ASSIGNABLE_ROLES.map((role) => (
                        <option key={role} value={role}>
                          {t(`roles.${role}`)}
                        </option>
                      ))}
                    </select>
                  ) : (
                    <span className="badge" title={user.role === 'owner' ? t('users.ownerFixed') : undefined}>
                      {t(`roles.${user.role}`)}
                    </span>
                  )}
                </td>
                <td>{user.disabled ? <span className="badge status-cancelled">{t('users.disabledState')}</span> : <span className="badge status-succeeded">{t('users.activeState')}</span>}</td>
                <td className="small" title={format.dateTime(user.createdAt)}>
                  {format.relative(user.createdAt)}
                </td>
                <td className="actions">
                  {!manageable(user) ? (
                    <span className="muted small">{user.role === 'owner' ? t('users.ownerFixed') : t('users.selfHint')}</span>
                  ) : user.disabled ? (
                    <button type="button" className="button small" onClick={() => change.mutate({ kind: 'enable', user })}>
                      {t('users.enable')}
                    </button>
                  ) : (
                    <button type="button" className="button small danger" onClick={() => setDisabling(user)}>
                      {t('users.disable')}
                    </button>
                  )}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    >
      <NewUserDialog
        open={creating}
        onOpenChange={setCreating}
        onCreated={(user) => {
          setCreating(false);
          toast.success(t('users.createdToast', { name: user.name }));
          void refresh();
        }}
      />
      <ConfirmDialog
        open={disabling !== null}
        onOpenChange={(open) => !open && setDisabling(null)}
        title={t('users.disableTitle', { name: disabling?.name ?? '' })}
        description={t('users.disableDescription')}
        confirmLabel={t('users.disable')}
        danger
        onConfirm={() => disabling && change.mutate({ kind: 'disable', user: disabling })}
      />
    </ListPage>
  );
}
