import { createContext, useContext } from 'react';
import type { ExpressionData } from './expressions.ts';

export interface FormContextValue {
  nodeId: string;
  nodeType: string;
  /** Problems by field path (`url`, `conditions[0].right`). */
  issues: Record<string, string[]>;
  expression: ExpressionData;
  readOnly: boolean;
}

export const FormContext = createContext<FormContextValue>({
  nodeId: '',
  nodeType: '',
  issues: {},
  expression: { completions: [], items: [] },
  readOnly: false,
});

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
