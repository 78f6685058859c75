/**
 * Where `{{ expression }}` markers sit in params. Evaluating them is the runtime's job;
 * this module only recognises them, so the validator can accept a param whose value is
 * computed at run time.
 */
const MARKER = /\{\{[\s\S]*?\}\}/;
const WHOLE = /^\s*\{\{([\s\S]*)\}\}\s*$/;

export function containsExpression(value: unknown): value is string {
  return typeof value === 'string' && MARKER.test(value);
}

/** The source of a param that is exactly one expression (which keeps its type), else undefined. */
export function wholeExpression(value: string): string | undefined {
  const match = WHOLE.exec(value);
  if (!match || match[1]!.includes('}}')) return undefined;
  return match[1]!.trim();
}
