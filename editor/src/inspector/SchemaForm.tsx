/**
 * A form generated from a node type's params JSON Schema (as zod writes it): objects,
 * lists, name/value pairs, choices between shapes (`oneOf` with a `const` tag), credential
 * slots (the node type's `credentials`), and the scalar inputs of fields.tsx. A new node
 * type needs no change here.
 */
import type { ComponentType } from 'react';
import { useTranslation } from 'react-i18next';
import type { JsonSchema } from '../api/types.ts';
import { CredentialPicker } from '../credentials/CredentialPicker.tsx';
import { useNodeTypeText } from '../i18n/node-types.ts';
import { AnyField, FieldFrame, ScalarField, type FieldProps } from './fields.tsx';
import { fieldId, pathKey, useFormContext } from './form-context.ts';
import { ScheduleRuleField } from './schedule-rule.tsx';
import { WebhookAuthField, WebhookCredentialField } from './webhook.tsx';
import { SubflowWorkflowField } from './workflow-field.tsx';

/** The few params a generated form cannot say well enough, by node type and param. */
const CUSTOM_FIELDS: Readonly<Record<string, Readonly<Record<string, ComponentType<FieldProps>>>>> = {
  'trigger.webhook': { auth: WebhookAuthField, credential: WebhookCredentialField },
  'trigger.schedule': { rule: ScheduleRuleField },
  'trigger.poll': { rule: ScheduleRuleField },
  'logic.subflow': { workflowId: SubflowWorkflowField },
};

type Obj = Record<string, unknown>;
const asObject = (value: unknown): Obj => (typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Obj) : {});

function without(object: Obj, key: string, value: unknown): Obj {
  const next = { ...object };
  if (value === undefined) delete next[key];
  else next[key] = value;
  return next;
}

/** A union whose members are objects told apart by one property with a `const` (e.g. `op`). */
function discriminatorOf(schema: JsonSchema): string | null {
  const members = schema.oneOf ?? schema.anyOf;
  if (!members?.length) return null;
  const first = members[0]!.properties ?? {};
  for (const key of Object.keys(first)) if (members.every((m) => m.properties?.[key]?.const !== undefined)) return key;
  return null;
}

/** A new entry of an object shape: its tag, and its required text or any-value fields empty (not missing). */
function blankObject(member: JsonSchema, tag?: string): Obj {
  const out: Obj = {};
  for (const key of member.required ?? []) {
    const property = member.properties?.[key];
    if (property?.const !== undefined) out[key] = property.const;
    else if (property && (property.type === 'string' || property.type === undefined) && !property.enum) out[key] = '';
  }
  if (tag && member.properties?.[tag]?.const !== undefined) out[tag] = member.properties[tag]!.const;
  return out;
}

const isKeyValue = (items: JsonSchema | undefined) => {
  const keys = Object.keys(items?.properties ?? {});
  return keys.length === 2 && keys.includes('name') && keys.includes('value');
};

export function ObjectFields({ schema, value, onChange, path }: { schema: JsonSchema; value: unknown; onChange(v: Obj): void; path: (string | number)[] }) {
  const object = asObject(value);
  const required = new Set(schema.required ?? []);
  return (
    <>
      {Object.entries(schema.properties ?? {}).map(([key, child]) => (
        <SchemaField
          key={key}
          name={key}
          schema={child}
          path={[...path, key]}
          value={object[key]}
          required={required.has(key)}
          onChange={(next) => onChange(without(object, key, next))}
        />
      ))}
    </>
  );
}

export function SchemaField(props: FieldProps) {
  const form = useFormContext();
  const { schema } = props;
  if (schema.const !== undefined) return null;
  if (props.path.length === 1) {
    const Custom = CUSTOM_FIELDS[form.nodeType]?.[props.name];
    if (Custom) return <Custom {...props} />;
    const slot = form.credentialSlots[props.name];
    if (slot) return <CredentialPicker {...props} types={slot} />;
  }
  if (discriminatorOf(schema)) return <UnionField {...props} />;
  if (schema.type === 'array') return isKeyValue(schema.items) ? <KeyValueField {...props} /> : <ListField {...props} />;
  if (schema.type === 'object' || schema.properties) {
    return (
      <FieldFrame {...props}>
        <fieldset className="nested">
          <ObjectFields schema={schema} value={props.value} onChange={props.onChange} path={props.path} />
        </fieldset>
      </FieldFrame>
    );
  }
  if (schema.type === undefined && !schema.enum) return <AnyField {...props} />;
  return <ScalarField {...props} />;
}

function UnionField(props: FieldProps) {
  const { t } = useTranslation();
  const text = useNodeTypeText();
  const form = useFormContext();
  const tag = discriminatorOf(props.schema)!;
  const members = props.schema.oneOf ?? props.schema.anyOf ?? [];
  const object = asObject(props.value);
  const current = members.find((m) => m.properties?.[tag]?.const === object[tag]);
  const id = fieldId(form.nodeId, [...props.path, tag]);
  return (
    <div className="union">
      <label className="field-label" htmlFor={id}>
        {text.fieldLabel(form.nodeType, tag)}
      </label>
      <select
        id={id}
        className="input"
        value={String(object[tag] ?? '')}
        disabled={form.readOnly}
        onChange={(e) => {
          const member = members.find((m) => String(m.properties?.[tag]?.const) === e.target.value);
          props.onChange(member ? blankObject(member, tag) : { [tag]: e.target.value });
        }}
      >
        {current ? null : <option value="">{t('form.choose')}</option>}
        {members.map((m) => {
          const value = String(m.properties![tag]!.const);
          return (
            <option key={value} value={value}>
              {text.option(form.nodeType, tag, value)}
            </option>
          );
        })}
      </select>
      {current ? <ObjectFields schema={current} value={object} onChange={props.onChange} path={props.path} /> : null}
    </div>
  );
}

function ListField(props: FieldProps) {
  const { t } = useTranslation();
  const form = useFormContext();
  const list = Array.isArray(props.value) ? props.value : [];
  const items = props.schema.items ?? {};
  const set = (next: unknown[]) => props.onChange(next);
  const blank = () => {
    const tag = discriminatorOf(items);
    if (tag) return blankObject((items.oneOf ?? items.anyOf)![0]!, tag);
    return items.type === 'object' || items.properties ? blankObject(items) : items.type === 'string' ? '' : undefined;
  };
  const atMax = props.schema.maxItems !== undefined && list.length >= props.schema.maxItems;
  return (
    <FieldFrame {...props}>
      <ol className="list-field">
        {list.map((entry, index) => (
          <li key={index} className="list-entry" data-testid={`${pathKey(props.path)}-${index}`}>
            <div className="list-entry-body">
              {items.properties && !discriminatorOf(items) ? (
                <ObjectFields schema={items} path={[...props.path, index]} value={entry} onChange={(next) => set(list.map((e, i) => (i === index ? next : e)))} />
              ) : (
                <SchemaField
                  name={props.name}
                  schema={items}
                  path={[...props.path, index]}
                  value={entry}
                  required
                  onChange={(next) => set(list.map((e, i) => (i === index ? next : e)))}
                />
              )}
            </div>
            {form.readOnly ? null : (
              <div className="list-entry-actions">
                <button type="button" className="icon-button" disabled={index === 0} aria-label={t('form.moveUp', { n: index + 1 })} onClick={() => set(swap(list, index, index - 1))}>
                  ↑
                </button>
                <button type="button" className="icon-button" disabled={index === list.length - 1} aria-label={t('form.moveDown', { n: index + 1 })} onClick={() => set(swap(list, index, index + 1))}>
                  ↓
                </button>
                <button type="button" className="icon-button" aria-label={t('form.remove', { n: index + 1 })} onClick={() => set(list.filter((_, i) => i !== index))}>
                  ×
                </button>
              </div>
            )}
          </li>
        ))}
      </ol>
      {form.readOnly ? null : (
        <button type="button" className="button small" disabled={atMax} onClick={() => set([...list, blank()])}>
          {t('form.add')}
        </button>
      )}
    </FieldFrame>
  );
}

function swap<T>(list: readonly T[], a: number, b: number): T[] {
  const next = [...list];
  [next[a], next[b]] = [next[b]!, next[a]!];
  return next;
}

function KeyValueField(props: FieldProps) {
  const { t } = useTranslation();
  const form = useFormContext();
  const pairs = (Array.isArray(props.value) ? props.value : []) as { name?: string; value?: string }[];
  const set = (next: typeof pairs) => props.onChange(next);
  return (
    <FieldFrame {...props}>
      <table className="kv-table">
        <thead>
          <tr>
            <th scope="col">{t('form.name')}</th>
            <th scope="col">{t('form.value')}</th>
            <th scope="col">
              <span className="sr-only">{t('workflows.actions')}</span>
            </th>
          </tr>
        </thead>
        <tbody>
          {pairs.map((pair, index) => (
            <tr key={index}>
              {(['name', 'value'] as const).map((part) => (
                <td key={part}>
                  <input
                    className={`input${(form.issues[pathKey([...props.path, index, part])] ?? []).length ? ' invalid' : ''}`}
                    aria-label={`${t(`form.${part}`)} ${index + 1}`}
                    value={pair[part] ?? ''}
                    disabled={form.readOnly}
                    onChange={(e) => set(pairs.map((p, i) => (i === index ? { ...p, [part]: e.target.value } : p)))}
                  />
                </td>
              ))}
              <td>
                {form.readOnly ? null : (
                  <button type="button" className="icon-button" aria-label={t('form.remove', { n: index + 1 })} onClick={() => set(pairs.filter((_, i) => i !== index))}>
                    ×
                  </button>
                )}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      {form.readOnly ? null : (
        <button type="button" className="button small" onClick={() => set([...pairs, { name: '', value: '' }])}>
          {t('form.addPair')}
        </button>
      )}
    </FieldFrame>
  );
}
