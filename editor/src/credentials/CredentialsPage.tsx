/**
 * Credentials: the vault's list, metadata only — a secret is never shown, not even in
 * part. Admins create, change, share, test and delete; editors see and test the ones
 * shared with them, to use in their workflows.
 */
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { toast } from 'sonner';
import { deleteCredential, useCredentials, useCredentialTypes } from '../api/credentials.ts';
import { keys } from '../api/queries.ts';
import type { Credential } from '../api/types.ts';
import { useUsers } from '../api/users.ts';
import { useFormat } from '../i18n/format.ts';
import { useCan } from '../session/session.ts';
import { ConfirmDialog } from '../ui/Dialog.tsx';
import { notifyError } from '../ui/feedback.tsx';
import { ActionsHeader, ListPage } from '../ui/page.tsx';
import { CredentialDialog } from './CredentialDialog.tsx';
import { useCredentialText } from './CredentialFields.tsx';
import { TestCredentialDialog } from './TestConnection.tsx';

export default function CredentialsPage() {
  const { t } = useTranslation();
  const format = useFormat();
  const can = useCan();
  const text = useCredentialText();
  const writable = can('credentials:write');
  const queryClient = useQueryClient();
  const credentials = useCredentials();
  const types = useCredentialTypes();
  const users = useUsers(can('users:read'));
  const [editing, setEditing] = useState<Credential | 'new' | null>(null);
  const [deleting, setDeleting] = useState<Credential | null>(null);
  const [testing, setTesting] = useState<Credential | null>(null);
  const refresh = () => queryClient.invalidateQueries({ queryKey: keys.credentials });
  const names = new Map((users.data ?? []).map((user) => [user.id, user.name]));

  const remove = useMutation({
    mutationFn: (credential: Credential) => deleteCredential(credential.id),
    onSuccess: (_, credential) => {
      toast.success(t('credentials.deleted', { name: credential.name }));
      void refresh();
    },
    onError: (error) => notifyError(error),
  });

  const summary = (credential: Credential) =>
    Object.entries(credential.fields)
      .filter(([, value]) => value !== '' && value !== null && !(Array.isArray(value) && value.length === 0))
      .map(([field, value]) => `${text.fieldLabel(credential.type, field)}: ${Array.isArray(value) ? value.join(', ') : String(value)}`)
      .join(' · ');

  return (
    <ListPage
      title={t('credentials.title')}
      intro={writable ? t('credentials.intro') : t('credentials.introShared')}
      actions={
        writable ? (
          <button type="button" className="button primary" onClick={() => setEditing('new')}>
            {t('credentials.create')}
          </button>
        ) : null
      }
      query={credentials}
      items={credentials.data}
      empty={writable ? t('credentials.empty') : t('credentials.emptyShared')}
      table={(items) => (
        <table className="table" data-testid="credentials">
          <thead>
            <tr>
              <th scope="col">{t('credentials.name')}</th>
              <th scope="col">{t('credentials.type')}</th>
              <th scope="col">{t('credentials.details')}</th>
              <th scope="col">{t('credentials.sharedWith')}</th>
              <th scope="col">{t('credentials.updated')}</th>
              <ActionsHeader />
            </tr>
          </thead>
          <tbody>
            {items.map((credential) => {
              const type = types.data?.byType.get(credential.type);
              return (
                <tr key={credential.id} data-testid="credential-row">
                  <td>
                    <strong>{credential.name}</strong>
                  </td>
                  <td>{text.typeLabel(type ?? credential.type)}</td>
                  <td className="small details-cell" title={summary(credential)}>
                    {summary(credential)}
                    {credential.secretsSet.length > 0 ? (
                      <div className="muted">{t('credentials.secretsStored', { fields: credential.secretsSet.map((f) => text.fieldLabel(credential.type, f)).join(', ') })}</div>
                    ) : null}
                  </td>
                  <td className="small">
                    {credential.sharedWith.length === 0 ? <span className="muted">{t('credentials.notShared')}</span> : credential.sharedWith.map((id) => names.get(id) ?? t('credentials.aUser')).join(', ')}
                  </td>
                  <td className="small" title={format.dateTime(credential.updatedAt)}>
                    {format.relative(credential.updatedAt)}
                  </td>
                  <td className="actions">
                    <button type="button" className="button small" onClick={() => setTesting(credential)} aria-label={t('credentials.testOne', { name: credential.name })}>
                      {t('credentials.test')}
                    </button>
                    {writable ? (
                      <>
                        <button type="button" className="button small" onClick={() => setEditing(credential)} aria-label={t('credentials.editOne', { name: credential.name })}>
                          {t('credentials.edit')}
                        </button>
                        <button type="button" className="button small danger" onClick={() => setDeleting(credential)} aria-label={t('credentials.deleteOne', { name: credential.name })}>
                          {t('common.delete')}
                        </button>
                      </>
                    ) : null}
                  </td>
                </tr>
              );
            })}
          </tbody>
        </table>
      )}
    >
      <CredentialDialog
        open={editing !== null}
        onOpenChange={(open) => !open && setEditing(null)}
        credential={editing && editing !== 'new' ? editing : undefined}
        onSaved={(saved) => {
          toast.success(t(editing === 'new' ? 'credentials.created' : 'credentials.saved', { name: saved.name }));
          setEditing(null);
          void refresh();
        }}
      />
      <TestCredentialDialog credential={testing} onClose={() => setTesting(null)} />
      <ConfirmDialog
        open={deleting !== null}
        onOpenChange={(open) => !open && setDeleting(null)}
        title={t('credentials.deleteTitle', { name: deleting?.name ?? '' })}
        description={t('credentials.deleteDescription')}
        confirmLabel={t('common.delete')}
        danger
        onConfirm={() => deleting && remove.mutate(deleting)}
      />
    </ListPage>
  );
}
