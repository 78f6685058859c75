import { createContext, useContext } from 'react';
import type { ExpressionData } from './expressions.ts';

export interface FormContextValue {
  nodeId: string;
  nodeType: string;
  /** The node's params as they are now (fields that depend on another, such as a webhook's credential on its auth). */
  params: Record<string, unknown>;
  /** Problems by field path (`url`, `conditions[0].right`). */
  issues: Record<string, string[]>;
  expression: ExpressionData;
  readOnly: boolean;
  /** Params that hold a credential id, and the credential types each takes (the node type's `credentials`). */
  credentialSlots: Readonly<Record<string, readonly string[]>>;
  /** Params taken as written, by path (`code`, `action.sql`): no expression mode. */
  literal: ReadonlySet<string>;
  /** Whether previews are computed (they need the right to write workflows), and for which workflow (its name, time zone, limits). */
  preview: { enabled: boolean; workflowId?: string };
}

export const FORM_DEFAULTS: FormContextValue = {
  nodeId: '',
  nodeType: '',
  params: {},
  issues: {},
  expression: { completions: [], items: [] },
  readOnly: false,
  credentialSlots: {},
  literal: new Set(),
  preview: { enabled: false },
};

export const FormContext = createContext<FormContextValue>(FORM_DEFAULTS);

export const useFormContext = () => useContext(FormContext);

/** `['conditions', 0, 'right']` → `conditions[0].right`, the way the validator writes paths. */
export function pathKey(path: readonly (string | number)[]): string {
  let out = '';
  for (const part of path) {
    if (typeof part === 'number') out += `[${part}]`;
    else if (/^[A-Za-z_$][\w$]*$/.test(part)) out += out ? `.${part}` : part;
    else out += `[${JSON.stringify(part)}]`;
  }
  return out;
}

/** A DOM id for a field (labels, help and errors refer to it). */
export const fieldId = (nodeId: string, path: readonly (string | number)[]) => `f-${nodeId}-${pathKey(path).replace(/[^\w-]/g, '_')}`;
