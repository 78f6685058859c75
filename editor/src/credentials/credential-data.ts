/**
 * A credential's form, as text, and what is sent from it. Secrets are never filled in:
 * the server never returns them, and editing sends only the fields the person changed —
 * a secret only when something was typed into it — so the rest keep their stored values.
 */
import type { Credential, CredentialType, JsonSchema } from '../api/types.ts';

export type FieldKind = 'text' | 'secret' | 'number' | 'choice' | 'list';

export interface CredentialField {
  name: string;
  schema: JsonSchema;
  kind: FieldKind;
  required: boolean;
}

/** The form's values, each as the text in its input (a list: one entry per line). */
export type Draft = Record<string, string>;

export function fieldsOf(type: CredentialType): CredentialField[] {
  const required = new Set(type.schema.required ?? []);
  return Object.entries(type.schema.properties ?? {}).map(([name, schema]) => ({ name, schema, kind: kindOf(name, schema, type), required: required.has(name) }));
}

function kindOf(name: string, schema: JsonSchema, type: CredentialType): FieldKind {
  if (schema.writeOnly || type.secretFields.includes(name)) return 'secret';
  if (schema.enum) return 'choice';
  if (schema.type === 'array') return 'list';
  if (schema.type === 'number' || schema.type === 'integer') return 'number';
  return 'text';
}

function asText(value: unknown): string {
  if (value === undefined || value === null) return '';
  if (Array.isArray(value)) return value.map(String).join('\n');
  return String(value);
}

/** The form of a new credential (the schema's defaults), or of a stored one (its non-secret fields; secrets empty). */
export function initialDraft(type: CredentialType, credential?: Credential): Draft {
  const draft: Draft = {};
  for (const field of fieldsOf(type)) {
    if (field.kind === 'secret') draft[field.name] = '';
    else draft[field.name] = asText(credential ? credential.fields[field.name] : field.schema.default);
  }
  return draft;
}

function valueOf(field: CredentialField, text: string): unknown {
  if (field.kind === 'number') return Number(text);
  if (field.kind === 'list') return text.split(/[\n,]/).map((entry) => entry.trim()).filter(Boolean);
  return field.kind === 'secret' ? text : text.trim();
}

/**
 * What to send. For a new credential (`original` absent): every field that has a value.
 * For a change: only the fields that differ from `original` (null clears an optional
 * field), and secrets that were typed; undefined when nothing changed.
 */
export function dataFromDraft(type: CredentialType, draft: Draft, original?: Draft): Record<string, unknown> | undefined {
  const data: Record<string, unknown> = {};
  for (const field of fieldsOf(type)) {
    const text = draft[field.name] ?? '';
    const empty = (field.kind === 'secret' ? text : text.trim()) === '';
    if (!original) {
      if (!empty) data[field.name] = valueOf(field, text);
      continue;
    }
    if (field.kind === 'secret') {
      if (!empty) data[field.name] = text;
    } else if (text !== (original[field.name] ?? '')) {
      data[field.name] = empty ? (field.kind === 'list' ? [] : null) : valueOf(field, text);
    }
  }
  return original && Object.keys(data).length === 0 ? undefined : data;
}

/** Problems the form can tell before sending: a required field left empty (a stored secret counts as filled). */
export function missingFields(type: CredentialType, draft: Draft, credential?: Credential): string[] {
  return fieldsOf(type)
    .filter((field) => field.required && field.schema.default === undefined)
    .filter((field) => (draft[field.name] ?? '').trim() === '' && !(field.kind === 'secret' && credential?.secretsSet.includes(field.name)))
    .map((field) => field.name);
}
