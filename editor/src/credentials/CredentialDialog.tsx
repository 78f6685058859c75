/**
 * Creating or changing a credential: its name, its type's fields (secrets typed, never
 * shown), who it is shared with, and "Test connection" against the real system.
 */
import { useMutation } from '@tanstack/react-query';
import { useMemo, useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { fieldError } from '../i18n/problems.ts';
import { createCredential, testCredential, testNewCredential, updateCredential, useCredentialTypes } from '../api/credentials.ts';
import type { Credential, CredentialType } from '../api/types.ts';
import { useUsers } from '../api/users.ts';
import { useCan, useMe } from '../session/session.ts';
import { Dialog } from '../ui/Dialog.tsx';
import { TextField } from '../ui/Field.tsx';
import { ErrorBox, Loading } from '../ui/feedback.tsx';
import { dataFromDraft, fieldsOf, initialDraft, missingFields, type Draft } from './credential-data.ts';
import { CredentialFields, useCredentialText } from './CredentialFields.tsx';
import { TestConnection } from './TestConnection.tsx';
import { UserChecklist } from '../users/UserChecklist.tsx';

export interface CredentialDialogProps {
  open: boolean;
  onOpenChange(open: boolean): void;
  /** The credential to change; none: a new one. */
  credential?: Credential;
  /** The types a new credential may have (a node's credential slot); default: all. */
  types?: readonly string[];
  onSaved(credential: Credential): void;
}

export function CredentialDialog(props: CredentialDialogProps) {
  const { t } = useTranslation();
  const types = useCredentialTypes(props.open);
  return (
    <Dialog
      open={props.open}
      onOpenChange={props.onOpenChange}
      title={props.credential ? t('credentials.editTitle', { name: props.credential.name }) : t('credentials.create')}
      description={t('credentials.dialogDescription')}
      wide
    >
      {types.isPending ? <Loading /> : null}
      {types.isError ? <ErrorBox error={types.error} onRetry={() => void types.refetch()} /> : null}
      {types.data ? <CredentialForm {...props} catalogue={types.data.list} /> : null}
    </Dialog>
  );
}

function CredentialForm(props: CredentialDialogProps & { catalogue: CredentialType[] }) {
  const { t } = useTranslation();
  const text = useCredentialText();
  const can = useCan();
  const me = useMe();
  const { credential } = props;
  const offered = props.catalogue.filter((type) => credential || !props.types || props.types.includes(type.type));
  const [typeId, setTypeId] = useState(credential?.type ?? offered[0]?.type ?? '');
  const type = props.catalogue.find((entry) => entry.type === typeId);
  const original = useMemo(() => (type ? initialDraft(type, credential) : {}), [type, credential]);
  const [name, setName] = useState(credential?.name ?? '');
  const [draft, setDraft] = useState<Draft>(original);
  const [sharedWith, setSharedWith] = useState<ReadonlySet<string>>(() => new Set(credential?.sharedWith ?? []));
  const [tried, setTried] = useState(false);
  const users = useUsers(can('users:read'));

  const save = useMutation({
    mutationFn: async () => {
      if (!type) throw new Error(t('credentials.chooseType'));
      const shares = [...sharedWith];
      if (!credential) return createCredential({ name: name.trim(), type: type.type, data: dataFromDraft(type, draft) ?? {}, sharedWith: shares });
      const sameShares = shares.length === credential.sharedWith.length && shares.every((id) => credential.sharedWith.includes(id));
      return updateCredential(credential.id, {
        name: name.trim() !== credential.name ? name.trim() : undefined,
        data: dataFromDraft(type, draft, original),
        sharedWith: sameShares ? undefined : shares,
      });
    },
    onSuccess: (saved) => props.onSaved(saved),
  });

  if (!type) return <p className="muted">{t('credentials.noTypes')}</p>;
  const missing = new Set(tried ? missingFields(type, draft, credential) : []);
  const problems = Object.fromEntries(fieldsOf(type).map((field) => [field.name, missing.has(field.name) ? t('credentials.fillIn') : fieldError(save.error, `data.${field.name}`)]));
  const unsavedData = credential !== undefined && dataFromDraft(type, draft, original) !== undefined;
  const sharable = (users.data ?? []).filter((user) => !user.disabled && user.id !== (credential?.ownerId ?? me.user.id));

  const submit = (event: FormEvent) => {
    event.preventDefault();
    setTried(true);
    if (name.trim() && missingFields(type, draft, credential).length === 0) save.mutate();
  };

  return (
    <form className="form" onSubmit={submit} noValidate data-testid="credential-form">
      <TextField
        label={t('credentials.name')}
        value={name}
        onChange={setName}
        required
        autoFocus
        maxLength={200}
        placeholder={t('credentials.namePlaceholder')}
        error={tried && !name.trim() ? t('credentials.fillIn') : fieldError(save.error, 'name')}
      />
      {credential ? (
        <p className="muted small">
          {t('credentials.typeIs')} <strong>{text.typeLabel(type)}</strong>
        </p>
      ) : (
        <div className="field">
          <label className="field-label" htmlFor="credential-type">
            {t('credentials.type')}
          </label>
          <select
            id="credential-type"
            className="input"
            value={typeId}
            data-testid="credential-type"
            onChange={(e) => {
              const next = props.catalogue.find((entry) => entry.type === e.target.value)!;
              setTypeId(next.type);
              setDraft(initialDraft(next));
            }}
          >
            {offered.map((entry) => (
              <option key={entry.type} value={entry.type}>
                {text.typeLabel(entry)}
              </option>
            ))}
          </select>
          <p className="help">{text.typeDescription(type)}</p>
        </div>
      )}
      <fieldset className="nested">
        <legend className="field-label">{t('credentials.fields')}</legend>
        <CredentialFields type={type} draft={draft} onChange={setDraft} credential={credential} problems={problems} />
      </fieldset>

      {can('users:read') ? (
        <fieldset className="checklist">
          <legend className="field-label">{t('credentials.sharedWith')}</legend>
          <p className="help">{t('credentials.sharedWithHelp')}</p>
          {sharable.length === 0 ? <p className="muted small">{t('credentials.nobodyToShare')}</p> : null}
          <UserChecklist users={sharable} selected={sharedWith} onChange={setSharedWith} />
        </fieldset>
      ) : null}

      <TestConnection
        key={type.type}
        type={type.type}
        run={(url) => (credential ? testCredential(credential.id, url) : testNewCredential({ type: type.type, data: dataFromDraft(type, draft) ?? {}, url }))}
        note={unsavedData ? t('credentials.testsSaved') : undefined}
      />

      {save.isError && !fieldError(save.error, 'name') && !Object.values(problems).some(Boolean) ? <ErrorBox error={save.error} /> : null}
      <div className="dialog-actions">
        <button type="submit" className="button primary" disabled={save.isPending} data-testid="save-credential">
          {credential ? t('common.save') : t('credentials.createButton')}
        </button>
      </div>
    </form>
  );
}
