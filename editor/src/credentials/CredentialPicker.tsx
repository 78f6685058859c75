/**
 * A node's credential slot in the inspector: the credentials of the types the slot takes
 * (from the node type's `credentials`), and — for those who may — a new one made on the spot.
 */
import { useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useCredentialTypes, useCredentials } from '../api/credentials.ts';
import { keys } from '../api/queries.ts';
import type { Credential } from '../api/types.ts';
import { FieldFrame, type FieldProps } from '../inspector/fields.tsx';
import { fieldId, useFormContext } from '../inspector/form-context.ts';
import { useCan } from '../session/session.ts';
import { CredentialDialog } from './CredentialDialog.tsx';
import { useCredentialText } from './CredentialFields.tsx';

export function CredentialPicker(props: FieldProps & { types: readonly string[] }) {
  const { t } = useTranslation();
  const form = useFormContext();
  const can = useCan();
  const text = useCredentialText();
  const queryClient = useQueryClient();
  const readable = can('credentials:read');
  const credentials = useCredentials(readable);
  const types = useCredentialTypes(readable);
  const [creating, setCreating] = useState(false);
  const id = fieldId(form.nodeId, props.path);
  const value = typeof props.value === 'string' ? props.value : '';
  const usable = (credentials.data ?? []).filter((credential) => props.types.includes(credential.type));
  const known = usable.some((credential) => credential.id === value);
  // Chosen before, but not of a type this slot takes now (a webhook's auth changed kind).
  const misfit = (credentials.data ?? []).find((credential) => credential.id === value && !props.types.includes(credential.type));
  const typeNames = props.types.map((type) => text.typeLabel(types.data?.byType.get(type) ?? type));

  return (
    <FieldFrame {...props}>
      {readable ? (
        <div className="row nowrap">
          <select id={id} className="input grow" value={value} disabled={form.readOnly} data-testid={`credential-${props.name}`} onChange={(e) => props.onChange(e.target.value || undefined)}>
            <option value="">{props.required ? t('form.choose') : t('credentials.none')}</option>
            {value && !known ? (
              <option value={value}>{credentials.isPending ? t('common.loading') : misfit ? t('credentials.misfit', { name: misfit.name }) : t('credentials.unavailable')}</option>
            ) : null}
            {usable.map((credential) => (
              <option key={credential.id} value={credential.id}>
                {credential.name}
              </option>
            ))}
          </select>
          {can('credentials:write') && !form.readOnly ? (
            <button type="button" className="button small" onClick={() => setCreating(true)}>
              {t('credentials.new')}
            </button>
          ) : null}
        </div>
      ) : (
        <p id={id} className="muted small">
          {value ? t('credentials.chosenHidden') : t('credentials.none')}
        </p>
      )}
      <p className="help">{t('credentials.takes', { types: typeNames.join(', ') })}</p>
      {readable && usable.length === 0 && credentials.isSuccess ? <p className="help">{can('credentials:write') ? t('credentials.noneOfTypesAdmin') : t('credentials.noneOfTypes')}</p> : null}
      {creating ? (
        <CredentialDialog
          open
          onOpenChange={setCreating}
          types={props.types}
          onSaved={(saved) => {
            setCreating(false);
            // In the list at once, so the choice shows its name while the list is fetched again.
            queryClient.setQueryData<Credential[]>(keys.credentials, (list) => [...(list ?? []), saved]);
            void queryClient.invalidateQueries({ queryKey: keys.credentials });
            props.onChange(saved.id);
          }}
        />
      ) : null}
    </FieldFrame>
  );
}
