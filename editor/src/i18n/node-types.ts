/**
 * Words for node types, from each node's own folder (see node-words.ts):
 * `nodeTypes.<category>.<name>.label|description`, param labels and help under
 * `.params.<property>` (and `choose`, what to say while a choice is not made), choices under
 * `.options.<property>.<value>`. A type or param without words shows the server's English
 * (a type this editor's bundle does not know yet), so a new node type needs no editor change.
 */
import { useCallback, useMemo } from 'react';
import { useTranslation } from 'react-i18next';
import type { NodeTypeInfo } from '../api/types.ts';

/** `timeoutSeconds` → `Timeout seconds`. */
export function humanize(property: string): string {
  const words = property.replace(/([a-z0-9])([A-Z])/g, '$1 $2').replace(/[_-]+/g, ' ').toLowerCase();
  return words.charAt(0).toUpperCase() + words.slice(1);
}

export function useNodeTypeText() {
  const { t, i18n } = useTranslation();
  const lookup = useCallback(
    (key: string, fallback: string) => {
      const full = `nodeTypes.${key}`;
      return i18n.exists(full) ? t(full) : fallback;
    },
    [t, i18n],
  );
  return useMemo(
    () => ({
      label: (type: Pick<NodeTypeInfo, 'type' | 'label'>) => lookup(`${type.type}.label`, type.label),
      description: (type: Pick<NodeTypeInfo, 'type' | 'description'>) => lookup(`${type.type}.description`, type.description),
      fieldLabel: (type: string, property: string) => lookup(`${type}.params.${property}.label`, humanize(property)),
      fieldHelp: (type: string, property: string, fallback: string | undefined) => lookup(`${type}.params.${property}.help`, fallback ?? ''),
      option: (type: string, property: string, value: string) => lookup(`${type}.options.${property}.${value}`, value),
      category: (category: string) => (i18n.exists(`nodeCategories.${category}`) ? t(`nodeCategories.${category}`) : humanize(category)),
      /** A port by its id (`true`, `main`); one without words shows its id. */
      port: (port: string) => (i18n.exists(`ports.${port}`) ? t(`ports.${port}`) : port),
    }),
    [lookup, t, i18n],
  );
}
