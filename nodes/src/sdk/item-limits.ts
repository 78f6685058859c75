/**
 * How deep item data may nest. Data from outside (a webhook body, an API's answer) is
 * checked at the door: deeper data would overflow the stack of whatever walks it later
 * (copying, expressions, storing), failing a run with an unhelpful message.
 */
export const MAX_ITEM_DEPTH = 100;

/** The JSON path (`$.a.b[3]`) at which `value` nests deeper than `max`, or undefined. */
export function tooDeepAt(value: unknown, max = MAX_ITEM_DEPTH): string | undefined {
  const stack: { value: unknown; depth: number; path: string }[] = [{ value, depth: 0, path: '$' }];
  while (stack.length > 0) {
    const current = stack.pop()!;
    if (typeof current.value !== 'object' || current.value === null) continue;
    if (current.depth >= max) return current.path;
    if (Array.isArray(current.value)) {
      current.value.forEach((inner, i) => stack.push({ value: inner, depth: current.depth + 1, path: `${current.path}[${i}]` }));
    } else {
      for (const [key, inner] of Object.entries(current.value)) {
        stack.push({ value: inner, depth: current.depth + 1, path: `${current.path}.${key}` });
      }
    }
  }
  return undefined;
}
