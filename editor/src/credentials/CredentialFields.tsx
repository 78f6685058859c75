/**
 * The inputs of a credential type, generated from its JSON Schema (GET /api/credential-types):
 * secrets as password inputs that are never filled in, choices as selects, host lists one
 * per line. Labels and help are translated by field name, falling back to the server's words.
 */
import { useId } from 'react';
import { useTranslation } from 'react-i18next';
import type { Credential, CredentialType } from '../api/types.ts';
import { humanize } from '../i18n/node-types.ts';
import { fieldsOf, type CredentialField, type Draft } from './credential-data.ts';

/** Words for credential types and their fields, in the reader's language. */
export function useCredentialText() {
  const { t, i18n } = useTranslation();
  const pick = (keys: string[], fallback: string) => {
    const found = keys.find((key) => i18n.exists(key));
    return found ? t(found) : fallback;
  };
  return {
    /** By the type's id alone too: those who may not read credential types (viewers) still see its name, not `httpHeader`. */
    typeLabel: (type: string | Pick<CredentialType, 'type' | 'label'>) =>
      typeof type === 'string' ? pick([`credentialTypes.${type}.label`], humanize(type)) : pick([`credentialTypes.${type.type}.label`], type.label),
    typeDescription: (type: Pick<CredentialType, 'type' | 'description'>) => pick([`credentialTypes.${type.type}.description`], type.description),
    fieldLabel: (type: string, field: string) => pick([`credentialTypes.${type}.fields.${field}.label`, `credentialFields.${field}.label`], humanize(field)),
    fieldHelp: (type: string, field: CredentialField) =>
      pick([`credentialTypes.${type}.fields.${field.name}.help`, `credentialFields.${field.name}.help`], field.schema.description ?? ''),
    option: (field: string, value: string) => pick([`credentialOptions.${field}.${value}`], value),
  };
}

export function CredentialFields(props: {
  type: CredentialType;
  draft: Draft;
  onChange(draft: Draft): void;
  /** The stored credential being changed: which of its secrets are set. */
  credential?: Credential;
  /** Problems by field name (the server's, or "fill this in"). */
  problems: Record<string, string | undefined>;
  disabled?: boolean;
}) {
  return (
    <>
      {fieldsOf(props.type).map((field) => (
        <CredentialInput
          key={field.name}
          type={props.type}
          field={field}
          value={props.draft[field.name] ?? ''}
          onChange={(value) => props.onChange({ ...props.draft, [field.name]: value })}
          isSet={props.credential?.secretsSet.includes(field.name) ?? false}
          editing={props.credential !== undefined}
          problem={props.problems[field.name]}
          disabled={props.disabled}
        />
      ))}
    </>
  );
}

function CredentialInput(props: {
  type: CredentialType;
  field: CredentialField;
  value: string;
  onChange(value: string): void;
  isSet: boolean;
  editing: boolean;
  problem?: string;
  disabled?: boolean;
}) {
  const { t } = useTranslation();
  const text = useCredentialText();
  const id = useId();
  const { field } = props;
  const help = field.kind === 'secret' && props.editing ? (props.isSet ? t('credentials.secretSet') : t('credentials.secretNotSet')) : text.fieldHelp(props.type.type, field);
  const common = {
    id,
    disabled: props.disabled,
    'aria-invalid': props.problem ? true : undefined,
    'aria-describedby': `${id}-help${props.problem ? ` ${id}-error` : ''}`,
    'data-field': field.name,
  };
  let input;
  if (field.kind === 'choice') {
    input = (
      <select className="input" {...common} value={props.value} onChange={(e) => props.onChange(e.target.value)}>
        {props.value === '' ? <option value="">{t('form.choose')}</option> : null}
        {field.schema.enum!.map(String).map((option) => (
          <option key={option} value={option}>
            {text.option(field.name, option)}
          </option>
        ))}
      </select>
    );
  } else if (field.kind === 'list') {
    input = <textarea className="input mono" rows={2} {...common} value={props.value} onChange={(e) => props.onChange(e.target.value)} placeholder={t('credentials.onePerLine')} />;
  } else {
    input = (
      <input
        className={field.kind === 'secret' ? 'input mono' : 'input'}
        {...common}
        // A secret is typed, never shown: the browser must not offer to fill in someone's saved password either.
        type={field.kind === 'secret' ? 'password' : field.kind === 'number' ? 'number' : field.schema.format === 'email' ? 'email' : field.schema.format === 'uri' ? 'url' : 'text'}
        autoComplete={field.kind === 'secret' ? 'new-password' : 'off'}
        value={props.value}
        min={field.schema.minimum}
        max={field.schema.maximum}
        placeholder={field.kind === 'secret' && props.isSet ? t('credentials.secretPlaceholder') : field.schema.default !== undefined && !Array.isArray(field.schema.default) ? String(field.schema.default) : undefined}
        onChange={(e) => props.onChange(e.target.value)}
      />
    );
  }
  return (
    <div className={`field${props.problem ? ' field-invalid' : ''}`}>
      <label className="field-label" htmlFor={id}>
        {text.fieldLabel(props.type.type, field.name)}
        {field.required && !(field.kind === 'secret' && props.isSet) ? (
          <span className="required" aria-hidden>
            {' '}
            *
          </span>
        ) : null}
      </label>
      {input}
      <p className="help" id={`${id}-help`}>
        {help}
      </p>
      {props.problem ? (
        <p className="field-error" id={`${id}-error`} role="alert">
          {props.problem}
        </p>
      ) : null}
    </div>
  );
}
