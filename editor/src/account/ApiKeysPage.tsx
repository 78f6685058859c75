/**
 * API keys: everyone manages their own (admins may list everyone's). A new key is shown
 * once, with a copy button; the list shows when each was last used; revoking asks first.
 */
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { toast } from 'sonner';
import { listApiKeys, revokeApiKey } from '../api/api-keys.ts';
import { keys } from '../api/queries.ts';
import type { ApiKey } from '../api/types.ts';
import { useFormat } from '../i18n/format.ts';
import { useMe } from '../session/session.ts';
import { ConfirmDialog } from '../ui/Dialog.tsx';
import { notifyError } from '../ui/feedback.tsx';
import { ActionsHeader, ListPage } from '../ui/page.tsx';
import { KeyCreatedDialog, NewApiKeyDialog } from './NewApiKeyDialog.tsx';

export default function ApiKeysPage() {
  const { t } = useTranslation();
  const format = useFormat();
  const me = useMe();
  const queryClient = useQueryClient();
  const mayListAll = me.user.role === 'owner' || me.user.role === 'admin';
  const [all, setAll] = useState(false);
  const [creating, setCreating] = useState(false);
  const [created, setCreated] = useState<{ apiKey: ApiKey; key: string } | null>(null);
  const [revoking, setRevoking] = useState<ApiKey | null>(null);
  const list = useQuery({ queryKey: keys.apiKeys(all), queryFn: () => listApiKeys(all) });
  const refresh = () => queryClient.invalidateQueries({ queryKey: keys.allApiKeys });
  const revoke = useMutation({
    mutationFn: (key: ApiKey) => revokeApiKey(key.id),
    onSuccess: (_, key) => {
      toast.success(t('apiKeys.revoked', { name: key.name }));
      void refresh();
    },
    onError: (error) => notifyError(error, t('apiKeys.revokeFailed')),
  });

  // A key's rights said briefly: all of yours, all but a few, or the few it has.
  const label = (capability: string) => t(`capabilities.${capability}`, { defaultValue: capability });
  const scopesOf = (key: ApiKey) => {
    if (key.userId !== me.user.id) return key.scopes.map(label).join(', ');
    const missing = me.capabilities.filter((c) => !key.scopes.includes(c));
    if (missing.length === 0) return t('apiKeys.allScopes');
    if (missing.length < key.scopes.length) return t('apiKeys.allScopesBut', { missing: missing.map(label).join(', ') });
    return key.scopes.map(label).join(', ');
  };

  return (
    <ListPage
      title={t('apiKeys.title')}
      intro={t('apiKeys.intro')}
      actions={
        <>
          {mayListAll ? (
            <label className="row small">
              <input type="checkbox" className="checkbox" checked={all} onChange={(e) => setAll(e.target.checked)} />
              {t('apiKeys.showAll')}
            </label>
          ) : null}
          <button type="button" className="button primary" onClick={() => setCreating(true)}>
            {t('apiKeys.create')}
          </button>
        </>
      }
      query={list}
      items={list.data}
      empty={t('apiKeys.empty')}
      table={(items) => (
        <table className="table" data-testid="api-keys">
          <thead>
            <tr>
              <th scope="col">{t('apiKeys.name')}</th>
              {all ? <th scope="col">{t('apiKeys.owner')}</th> : null}
              <th scope="col">{t('apiKeys.scopes')}</th>
              <th scope="col">{t('apiKeys.created')}</th>
              <th scope="col">{t('apiKeys.lastUsed')}</th>
              <th scope="col">{t('apiKeys.status')}</th>
              <ActionsHeader />
            </tr>
          </thead>
          <tbody>
            {items.map((key) => (
              <tr key={key.id} data-testid="api-key-row">
                <td>
                  <strong>{key.name}</strong>
                  <div className="mono small muted">{key.prefix}…</div>
                </td>
                {all ? <td>{key.userEmail}</td> : null}
                <td className="small scopes-cell">{scopesOf(key)}</td>
                <td className="small" title={format.dateTime(key.createdAt)}>
                  {format.relative(key.createdAt)}
                </td>
                <td className="small" title={key.lastUsedAt ? format.dateTime(key.lastUsedAt) : undefined}>
                  {key.lastUsedAt ? format.relative(key.lastUsedAt) : <span className="muted">{t('apiKeys.neverUsed')}</span>}
                </td>
                <td>
                  {key.revokedAt ? (
                    <span className="badge status-cancelled">{t('apiKeys.revokedAt', { when: format.dateTime(key.revokedAt) })}</span>
                  ) : key.expiresAt && new Date(key.expiresAt).getTime() < Date.now() ? (
                    <span className="badge status-cancelled">{t('apiKeys.expired')}</span>
                  ) : (
                    <span className="badge status-succeeded">{key.expiresAt ? t('apiKeys.activeUntil', { when: format.dateTime(key.expiresAt) }) : t('apiKeys.active')}</span>
                  )}
                </td>
                <td className="actions">
                  {key.revokedAt ? null : (
                    <button type="button" className="button small danger" onClick={() => setRevoking(key)}>
                      {t('apiKeys.revoke')}
                    </button>
                  )}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    >
      <NewApiKeyDialog
        open={creating}
        onOpenChange={setCreating}
        onCreated={(result) => {
          setCreating(false);
          setCreated(result);
          void refresh();
        }}
      />
      <KeyCreatedDialog created={created} onClose={() => setCreated(null)} />
      <ConfirmDialog
        open={revoking !== null}
        onOpenChange={(open) => !open && setRevoking(null)}
        title={t('apiKeys.revokeTitle', { name: revoking?.name ?? '' })}
        description={t('apiKeys.revokeDescription')}
        confirmLabel={t('apiKeys.revoke')}
        danger
        onConfirm={() => revoking && revoke.mutate(revoking)}
      />
    </ListPage>
  );
}
