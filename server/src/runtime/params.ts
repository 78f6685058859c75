/**
 * The one place where a node's saved params become the values its `run` receives:
 * `{{ expression }}` markers are evaluated for the items, then each item's params are
 * checked against the node type's schema (defaults applied).
 *
 * Expressions come only from the saved params (the workflow version), never from item
 * data: a webhook body holding `{{ ... }}` is text. They run in the sandbox, all
 * expressions of a step for all its items in ONE call. A param that is exactly one
 * expression keeps the expression's type; text around expressions makes a string.
 *
 * Field references (`{{ $json.total }}`, `{{ $json["order id"] }}`) are read on the host
 * when the item's data makes the answer certain — each key an own property of a JSON
 * object or array — which is what the sandbox would compute; anything else (a string's
 * `.length`, a missing parent, an inherited name) goes to the sandbox for JavaScript's
 * own answer. It saves a sandbox round trip in the commonest flows.
 */
import {
  containsExpression,
  formatPath,
  NonRetriableError,
  wholeExpression,
  type GraphNode,
  type Item,
  type NodeDefinition,
} from '@junction/nodes';
import { failureError, SandboxFailure, type ExpressionBatch, type ExpressionOutcome, type GuestError, type Template } from '../sandbox/index.ts';

/** Evaluates a batch in the run's sandbox context (the scope knows which step it is for). */
export type EvaluateExpressions = (batch: Omit<ExpressionBatch, 'step'>) => Promise<ExpressionOutcome>;

export interface ParamsScope {
  /** Stable per workflow version and node: the step's compiled expressions are cached under it. */
  key: string;
  evaluate: EvaluateExpressions;
}

const REFERENCE = /^\$json((?:\.[A-Za-z_$][A-Za-z0-9_$]*|\[(?:\d+|"(?:[^"\\]|\\.)*"|'(?:[^'\\]|\\.)*')\])*)$/;
const SEGMENT = /\.([A-Za-z_$][A-Za-z0-9_$]*)|\[(\d+)\]|\["((?:[^"\\]|\\.)*)"\]|\['((?:[^'\\]|\\.)*)'\]/g;
const MARKERS = /\{\{([\s\S]*?)\}\}/g;

class ExpressionError extends NonRetriableError {
  override name = 'ExpressionError';
}

/** A step's params with their expressions: compiled once per workflow version and node. */
interface StepExpressions {
  sources: string[];
  templates: Template[];
  /** Where each template sits in params, as a formatted path (`conditions[0].left`). */
  paths: string[];
  /** Each source as field-reference keys when it is one, else null. */
  references: (string[] | null)[];
}

const compiled = new Map<string, StepExpressions>();

/** The keys of a field reference (`$json.a["b c"][0]`), or null when the source is anything else. */
function referenceKeys(source: string): string[] | null {
  const match = REFERENCE.exec(source);
  if (!match) return null;
  const keys: string[] = [];
  for (const segment of match[1]!.matchAll(SEGMENT)) {
    const quoted = segment[3] ?? segment[4];
    if (quoted === undefined) {
      keys.push(segment[1] ?? segment[2]!);
      continue;
    }
    if (quoted.includes('\\')) return null; // escapes: JavaScript decides
    keys.push(quoted);
  }
  return keys;
}

function compile(params: Record<string, unknown>, literal: readonly string[]): StepExpressions {
  const step: StepExpressions = { sources: [], templates: [], paths: [], references: [] };
  const add = (source: string) => {
    step.sources.push(source);
    step.references.push(referenceKeys(source.trim()));
    return step.sources.length - 1;
  };
  const walk = (value: unknown, path: PropertyKey[]) => {
    if (typeof value === 'string') {
      if (!containsExpression(value)) return;
      const whole = wholeExpression(value);
      if (whole !== undefined) {
        step.templates.push(add(whole));
      } else {
        const parts: (string | number)[] = [];
        let last = 0;
        for (const match of value.matchAll(MARKERS)) {
          if (match.index > last) parts.push(value.slice(last, match.index));
          parts.push(add(match[1]!.trim()));
          last = match.index + match[0].length;
        }
        if (last < value.length) parts.push(value.slice(last));
        step.templates.push(parts);
      }
      step.paths.push(formatPath(path));
    } else if (Array.isArray(value)) {
      value.forEach((element, i) => walk(element, [...path, i]));
    } else if (typeof value === 'object' && value !== null) {
      for (const [key, inner] of Object.entries(value)) {
        if (literal.length > 0 && literal.includes(formatPath([...path, key]))) continue;
        walk(inner, [...path, key]);
      }
    }
  };
  walk(params, []);
  return step;
}

function expressionsOf(key: string, params: Record<string, unknown>, definition: NodeDefinition): StepExpressions {
  let step = compiled.get(key);
  if (!step) {
    step = compile(params, definition.literalParams ?? []);
    if (compiled.size >= 2000) compiled.delete(compiled.keys().next().value!);
    compiled.set(key, step);
  }
  return step;
}

const NO_ANSWER = Symbol('ask the sandbox');

/** A field reference read on the host, or NO_ANSWER where only JavaScript can say. */
function readReference(json: unknown, keys: readonly string[]): unknown {
  let current = json;
  for (let i = 0; i < keys.length; i++) {
    const key = keys[i]!;
    if (typeof current !== 'object' || current === null) return NO_ANSWER;
    if (Object.hasOwn(current, key)) {
      current = (current as Record<string, unknown>)[key];
      continue;
    }
    // Missing: undefined at the end, unless the name is inherited (toString, length of a string ...).
    if (i < keys.length - 1 || key in current) return NO_ANSWER;
    return undefined;
  }
  return current;
}

/** How a value reads inside text; the guest runtime's `text()` for JSON data. */
function text(value: unknown): string {
  if (value === undefined || value === null) return '';
  if (typeof value === 'object') return JSON.stringify(value);
  return String(value);
}

/** All templates for the items from `first` to before `count` on the host, or null when one needs the sandbox. */
function onHost(step: StepExpressions, items: readonly Item[], first: number, count: number): Record<number, unknown>[] | null {
  if (step.references.some((keys) => keys === null)) return null;
  const values: Record<number, unknown>[] = [];
  for (let i = first; i < count; i++) {
    const json = items[i]!.json;
    const row: Record<number, unknown> = {};
    for (let t = 0; t < step.templates.length; t++) {
      const template = step.templates[t]!;
      if (typeof template === 'number') {
        const value = readReference(json, step.references[template]!);
        if (value === NO_ANSWER) return null;
        row[t] = value;
      } else {
        let out = '';
        for (const part of template) {
          if (typeof part === 'string') {
            out += part;
            continue;
          }
          const value = readReference(json, step.references[part]!);
          if (value === NO_ANSWER) return null;
          out += text(value);
        }
        row[t] = out;
      }
    }
    values.push(row);
  }
  return values;
}

function describeFailure(node: Pick<GraphNode, 'name'>, step: StepExpressions, error: GuestError, itemCount: number): ExpressionError {
  const where = [`Node "${node.name}"`];
  if (error.template !== undefined) where.push(`parameter ${step.paths[error.template]}`);
  if (error.item !== undefined && itemCount > 1) where.push(`item ${error.item + 1}`); // counted from 1; details.item stays an index
  const source = error.expression !== undefined && error.expression >= 0 ? step.sources[error.expression] : undefined;
  const what = error.serialize ? 'the value cannot be used as data' : `${error.name}: ${error.message}`;
  return new ExpressionError(`${where.join(', ')}: ${source !== undefined ? `{{ ${source.slice(0, 200)} }} failed: ` : ''}${what}`, {
    details: {
      ...(error.template !== undefined ? { parameter: step.paths[error.template] } : {}),
      ...(error.item !== undefined ? { item: error.item } : {}),
      ...(source !== undefined ? { expression: source.slice(0, 500) } : {}),
    },
  });
}

async function evaluate(
  node: Pick<GraphNode, 'name' | 'params'>,
  step: StepExpressions,
  items: readonly Item[],
  first: number,
  count: number,
  scope: ParamsScope,
): Promise<Record<number, unknown>[]> {
  const fast = onHost(step, items, first, count);
  if (fast) return fast;
  let outcome: ExpressionOutcome;
  try {
    outcome = await scope.evaluate({ key: scope.key, sources: step.sources, templates: step.templates, items, first, count });
  } catch (error) {
    if (error instanceof SandboxFailure) {
      if (error.failure.kind === 'syntax') throw await syntaxError(node, step, scope, error);
      throw failureError(`Node "${node.name}": its expressions`, error.failure, 'expressionTimeoutMs');
    }
    if (error instanceof NonRetriableError) throw new ExpressionError(`Node "${node.name}": ${error.message}`, { cause: error });
    throw error;
  }
  if (!outcome.ok) throw describeFailure(node, step, outcome.error, count);
  return outcome.values;
}

/** Finds which expression of a step does not compile, by compiling each alone. */
async function syntaxError(node: Pick<GraphNode, 'name'>, step: StepExpressions, scope: ParamsScope, failure: SandboxFailure): Promise<ExpressionError> {
  for (let t = 0; t < step.templates.length; t++) {
    const template = step.templates[t]!;
    for (const k of typeof template === 'number' ? [template] : template.filter((p): p is number => typeof p === 'number')) {
      try {
        await scope.evaluate({ key: `${scope.key}#${k}`, sources: [step.sources[k]!], templates: [], items: [], count: 0 });
      } catch (error) {
        if (error instanceof SandboxFailure && error.failure.kind === 'syntax') {
          const message = error.failure.message.replace(/\s*\[expressions\.js:\d+:\d+\]$/, '');
          return new ExpressionError(`Node "${node.name}", parameter ${step.paths[t]}: {{ ${step.sources[k]!.slice(0, 200)} }} is not a valid expression: ${message}`, {
            details: { parameter: step.paths[t], expression: step.sources[k]!.slice(0, 500) },
            cause: failure,
          });
        }
      }
    }
  }
  return new ExpressionError(`Node "${node.name}": its expressions are not valid JavaScript: ${failure.message}`, { cause: failure });
}

/** Params with each template replaced by its value for one item. */
function fill(value: unknown, path: PropertyKey[], values: Record<number, unknown>, positions: Map<string, number>): unknown {
  if (typeof value === 'string') {
    if (!containsExpression(value)) return value;
    const template = positions.get(formatPath(path));
    return template === undefined ? value : values[template];
  }
  if (Array.isArray(value)) return value.map((element, i) => fill(element, [...path, i], values, positions));
  if (typeof value === 'object' && value !== null) {
    const out: Record<string, unknown> = {};
    for (const [key, inner] of Object.entries(value)) out[key] = fill(inner, [...path, key], values, positions);
    return out;
  }
  return value;
}

function check(definition: NodeDefinition, node: Pick<GraphNode, 'name'>, params: unknown): unknown {
  const parsed = definition.params.safeParse(params);
  if (parsed.success) return parsed.data;
  const problems = parsed.error.issues.map((issue) => `${formatPath(issue.path) || 'params'}: ${issue.message}`);
  throw new NonRetriableError(`Node "${node.name}": the parameters are not valid when filled in: ${problems.join('; ')}`, {
    details: { issues: parsed.error.issues.map((issue) => ({ path: formatPath(issue.path), message: issue.message })) },
  });
}

/**
 * Resolves a step's params for each of its items: every expression for every item in
 * one sandbox call. Params without expressions are checked once and shared.
 *
 * @returns a function from item index to that item's resolved params
 */
export async function resolveParams(
  definition: NodeDefinition,
  node: Pick<GraphNode, 'name' | 'params'>,
  items: readonly Item[],
  scope: ParamsScope,
): Promise<(index: number) => unknown> {
  const step = expressionsOf(scope.key, node.params, definition);
  if (step.templates.length === 0) {
    const resolved = check(definition, node, node.params);
    return () => resolved;
  }
  const values = await evaluate(node, step, items, 0, items.length, scope);
  const positions = new Map(step.paths.map((path, t) => [path, t]));
  const resolve = (index: number) => check(definition, node, fill(node.params, [], values[index]!, positions));
  if (values.length <= KEEP_RESOLVED) {
    const perItem = values.map((_, index) => resolve(index));
    return (index) => perItem[index];
  }
  // Every item's params are checked before any item runs, as for a small step, but not kept:
  // a million items' filled-in params would take the worker more memory than their data.
  for (let index = 0; index < values.length; index++) resolve(index);
  return resolve;
}

/** Up to this many items, a step's resolved params are kept; past it, each item's are made again when it runs. */
const KEEP_RESOLVED = 10_000;

/**
 * For `allItems` nodes: expressions see the first item as `$json`, and every item through
 * `$input.all()` (a summary of the step's items), as in n8n and as the editor's preview shows.
 */
export async function resolveParamsOnce(
  definition: NodeDefinition,
  node: Pick<GraphNode, 'name' | 'params'>,
  items: readonly Item[],
  scope: ParamsScope,
): Promise<unknown> {
  if (items.length === 0) return (await resolveParams(definition, node, [{ json: {} }], scope))(0);
  return resolveParamsForItem(definition, node, items, 0, scope);
}

/**
 * One item's params, its expressions seeing all the items (`$input`, `$itemIndex` as in a
 * run): the editor's preview of a field for the item it shows.
 */
export async function resolveParamsForItem(
  definition: NodeDefinition,
  node: Pick<GraphNode, 'name' | 'params'>,
  items: readonly Item[],
  index: number,
  scope: ParamsScope,
): Promise<unknown> {
  const step = expressionsOf(scope.key, node.params, definition);
  if (step.templates.length === 0) return check(definition, node, node.params);
  const [values] = await evaluate(node, step, items, index, index + 1, scope);
  return check(definition, node, fill(node.params, [], values!, new Map(step.paths.map((path, t) => [path, t]))));
}
