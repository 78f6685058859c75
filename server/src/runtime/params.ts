/**
 * The one place where a node's saved params become the values its `run` receives:
 * `{{ expression }}` markers are evaluated against the item, then the result is checked
 * against the node type's schema (defaults applied).
 *
 * Until the expression sandbox exists, only field references are evaluated — `$json`
 * followed by `.name` or `["name"]` / `[0]` parts, e.g. `{{ $json.customer.email }}` —
 * by walking the item, never by running code. Anything else fails the step with a
 * message saying so. The sandbox will plug in here, evaluating a step's expressions for
 * all its items in one call.
 */
import { containsExpression, formatPath, NonRetriableError, wholeExpression, type Item, type NodeDefinition } from '@junction/nodes';

const REFERENCE = /^\$json((?:\.[A-Za-z_$][A-Za-z0-9_$]*|\[(?:\d+|"(?:[^"\\]|\\.)*"|'(?:[^'\\]|\\.)*')\])*)$/;
const SEGMENT = /\.([A-Za-z_$][A-Za-z0-9_$]*)|\[(\d+)\]|\["((?:[^"\\]|\\.)*)"\]|\['((?:[^'\\]|\\.)*)'\]/g;
const MARKERS = /\{\{([\s\S]*?)\}\}/g;

class ExpressionError extends NonRetriableError {
  override name = 'ExpressionError';
}

/** The key inside `["..."]` or `['...']`, with its escapes (`\\"`, `\\n`, `\\u00e9`) applied. */
function unquote(escaped: string, where: string): string {
  try {
    return JSON.parse(`"${escaped.replace(/\\'/g, "'").replace(/(^|[^\\])"/g, '$1\\"')}"`) as string;
  } catch (error) {
    throw new ExpressionError(`${where}: the field name [${escaped}] has an invalid escape`, { cause: error });
  }
}

function evaluate(source: string, item: Item, where: string): unknown {
  const match = REFERENCE.exec(source.trim());
  if (!match) {
    throw new ExpressionError(
      `${where}: "{{ ${source.trim()} }}" cannot be evaluated yet — only field references such as {{ $json.total }} or {{ $json["order id"] }} are supported until the expression sandbox is available`,
    );
  }
  let current: unknown = item.json;
  for (const segment of match[1]!.matchAll(SEGMENT)) {
    const key = segment[1] ?? segment[2] ?? unquote(segment[3] ?? segment[4] ?? '', where);
    if (typeof current !== 'object' || current === null || !Object.hasOwn(current, key)) return undefined;
    current = (current as Record<string, unknown>)[key];
  }
  return current;
}

function stringify(value: unknown): string {
  if (value === undefined || value === null) return '';
  if (typeof value === 'object') return JSON.stringify(value);
  return String(value);
}

function resolveValue(value: unknown, item: Item, path: PropertyKey[]): unknown {
  if (typeof value === 'string') {
    if (!containsExpression(value)) return value;
    const where = `Parameter ${formatPath(path)}`;
    const whole = wholeExpression(value);
    if (whole !== undefined) return evaluate(whole, item, where);
    return value.replace(MARKERS, (_, source: string) => stringify(evaluate(source, item, where)));
  }
  if (Array.isArray(value)) return value.map((element, i) => resolveValue(element, item, [...path, i]));
  if (typeof value === 'object' && value !== null) {
    const out: Record<string, unknown> = {};
    for (const [key, inner] of Object.entries(value)) out[key] = resolveValue(inner, item, [...path, key]);
    return out;
  }
  return value;
}

function hasExpressions(value: unknown): boolean {
  if (typeof value === 'string') return containsExpression(value);
  if (Array.isArray(value)) return value.some(hasExpressions);
  if (typeof value === 'object' && value !== null) return Object.values(value).some(hasExpressions);
  return false;
}

function check(definition: NodeDefinition, params: unknown): unknown {
  const parsed = definition.params.safeParse(params);
  if (parsed.success) return parsed.data;
  const problems = parsed.error.issues.map((issue) => `${formatPath(issue.path) || 'params'}: ${issue.message}`);
  throw new NonRetriableError(`The parameters are not valid when filled in: ${problems.join('; ')}`, {
    details: { issues: parsed.error.issues.map((issue) => ({ path: formatPath(issue.path), message: issue.message })) },
  });
}

/**
 * Resolves a step's params for each of its items. Params without expressions are
 * checked once and shared by every item.
 *
 * @returns a function from item index to that item's resolved params
 */
export function resolveParams(definition: NodeDefinition, params: Record<string, unknown>, items: Item[]): (index: number) => unknown {
  if (!hasExpressions(params)) {
    const resolved = check(definition, params);
    return () => resolved;
  }
  const perItem = items.map((item) => check(definition, resolveValue(params, item, [])));
  return (index) => perItem[index];
}

/** For `allItems` nodes: expressions see the first item, as in n8n. */
export function resolveParamsOnce(definition: NodeDefinition, params: Record<string, unknown>, items: Item[]): unknown {
  return resolveParams(definition, params, items.length > 0 ? [items[0]!] : [{ json: {} }])(0);
}
