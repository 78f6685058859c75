import type { JsonSchema } from '../api/types.ts';

/**
 * The params a new node starts with: its required lists, empty. Everything else is left
 * out so the server's defaults apply — and a required list reads "Add at least one
 * condition" rather than "expected array, received undefined".
 */
export function initialParams(schema: JsonSchema): Record<string, unknown> {
  const params: Record<string, unknown> = {};
  for (const key of schema.required ?? []) if (schema.properties?.[key]?.type === 'array') params[key] = [];
  return params;
}
