/** Creating an API key: a name, what it may do (no more than you may), when it expires — then the key, shown this once. */
import { useMutation } from '@tanstack/react-query';
import { useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { fieldError } from '../i18n/problems.ts';
import { createApiKey } from '../api/api-keys.ts';
import type { ApiKey, Capability } from '../api/types.ts';
import { useMe } from '../session/session.ts';
import { CopyField } from '../ui/CopyField.tsx';
import { Dialog } from '../ui/Dialog.tsx';
import { SelectField, TextField } from '../ui/Field.tsx';
import { ErrorBox } from '../ui/feedback.tsx';

const EXPIRY_DAYS = ['', '30', '90', '365'] as const;

export function NewApiKeyDialog(props: { open: boolean; onOpenChange(open: boolean): void; onCreated(result: { apiKey: ApiKey; key: string }): void }) {
  const { t } = useTranslation();
  const me = useMe();
  const [name, setName] = useState('');
  const [scopes, setScopes] = useState<ReadonlySet<Capability>>(() => new Set(me.capabilities));
  const [expiry, setExpiry] = useState<(typeof EXPIRY_DAYS)[number]>('');
  const create = useMutation({
    mutationFn: () => createApiKey({ name: name.trim(), scopes: me.capabilities.filter((c) => scopes.has(c)), expiresInDays: expiry ? Number(expiry) : undefined }),
    onSuccess: (result) => {
      setName('');
      setScopes(new Set(me.capabilities));
      setExpiry('');
      create.reset();
      props.onCreated(result);
    },
  });
  const toggle = (capability: Capability, on: boolean) => {
    const next = new Set(scopes);
    if (on) next.add(capability);
    else next.delete(capability);
    setScopes(next);
  };
  const submit = (event: FormEvent) => {
    event.preventDefault();
    if (name.trim() && scopes.size > 0) create.mutate();
  };
  return (
    <Dialog open={props.open} onOpenChange={props.onOpenChange} title={t('apiKeys.create')} description={t('apiKeys.createDescription')} wide>
      <form className="form" onSubmit={submit}>
        <TextField label={t('apiKeys.name')} value={name} onChange={setName} required autoFocus maxLength={200} placeholder={t('apiKeys.namePlaceholder')} error={fieldError(create.error, 'name')} />
        <fieldset className="checklist">
          <legend className="field-label">{t('apiKeys.scopes')}</legend>
          <p className="help">{t('apiKeys.scopesHelp')}</p>
          <div className="checklist-grid">
            {me.capabilities.map((capability) => (
              <label key={capability} className="check">
                <input type="checkbox" className="checkbox" checked={scopes.has(capability)} onChange={(e) => toggle(capability, e.target.checked)} />
                <span>
                  {t(`capabilities.${capability}`)} <code className="muted small">{capability}</code>
                </span>
              </label>
            ))}
          </div>
          {scopes.size === 0 ? (
            <p className="field-error" role="alert">
              {t('apiKeys.noScopes')}
            </p>
          ) : null}
        </fieldset>
        <SelectField
          label={t('apiKeys.expires')}
          value={expiry}
          onChange={(v) => setExpiry(v as (typeof EXPIRY_DAYS)[number])}
          options={EXPIRY_DAYS.map((days) => ({ value: days, label: days ? t('apiKeys.afterDays', { count: Number(days) }) : t('apiKeys.never') }))}
        />
        {create.isError && !fieldError(create.error, 'name') ? <ErrorBox error={create.error} /> : null}
        <div className="dialog-actions">
          <button type="submit" className="button primary" disabled={create.isPending || !name.trim() || scopes.size === 0}>
            {t('apiKeys.createButton')}
          </button>
        </div>
      </form>
    </Dialog>
  );
}

/** The key itself, once: it is stored hashed, so nobody can show it again. */
export function KeyCreatedDialog({ created, onClose }: { created: { apiKey: ApiKey; key: string } | null; onClose(): void }) {
  const { t } = useTranslation();
  return (
    <Dialog open={created !== null} onOpenChange={(open) => !open && onClose()} title={t('apiKeys.createdTitle', { name: created?.apiKey.name ?? '' })} wide>
      <p className="notice" role="status">
        {t('apiKeys.shownOnce')}
      </p>
      {created ? <CopyField value={created.key} label={t('apiKeys.theKey')} copied={t('apiKeys.copied')} testId="new-api-key" /> : null}
      <p className="help">{t('apiKeys.howToUse')}</p>
      <div className="dialog-actions">
        <button type="button" className="button primary" onClick={onClose}>
          {t('apiKeys.done')}
        </button>
      </div>
    </Dialog>
  );
}
