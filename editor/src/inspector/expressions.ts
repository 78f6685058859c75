/**
 * What an expression (or a Code node's code) can refer to, for autocomplete and previews:
 * the fields of the items the node receives (`$json.…`, taken from the last run's data),
 * the nodes upstream of it (`$node("Name").json.…`, and their output for previews), the
 * instance's variables (`$vars.KEY`) and the built-in names.
 */
import type { Completion } from '@codemirror/autocomplete';
import type { Item, RunDetail } from '../api/types.ts';
import { isStep, type CanvasEdge, type CanvasNode } from '../canvas/graph.ts';

/** The names every expression and Code node sees; `key` names their description under `expressions.` in the messages. */
export const BUILT_INS = [
  { label: '$json', key: 'json' },
  { label: '$input', key: 'input' },
  { label: '$input.all()', key: 'inputAll' },
  { label: '$input.first()', key: 'inputFirst' },
  { label: '$input.item', key: 'inputItem' },
  { label: '$node("Name")', key: 'node' },
  { label: '$itemIndex', key: 'itemIndex' },
  { label: '$now', key: 'now' },
  { label: '$today', key: 'today' },
  { label: '$run', key: 'run' },
  { label: '$workflow', key: 'workflow' },
  { label: '$vars', key: 'vars' },
  { label: 'DateTime', key: 'dateTime' },
  { label: 'Duration', key: 'duration' },
] as const;
/** What only code has: the items as plain names, and the console that run history keeps. */
export const CODE_BUILT_INS = [
  { label: 'items', key: 'items' },
  { label: 'item', key: 'item' },
  { label: 'console.log()', key: 'console' },
] as const;
export type BuiltIn = (typeof BUILT_INS)[number]['key'] | (typeof CODE_BUILT_INS)[number]['key'];

const MAX_PATHS = 300;

/** Dot paths of an object's fields, nested ones too (`customer.email`, `lines[0].sku`). */
export function fieldPaths(value: unknown, prefix = '', out: string[] = [], depth = 0): string[] {
  if (out.length >= MAX_PATHS || depth > 6 || typeof value !== 'object' || value === null) return out;
  if (Array.isArray(value)) {
    if (value.length > 0) {
      out.push(`${prefix}[0]`);
      fieldPaths(value[0], `${prefix}[0]`, out, depth + 1);
    }
    return out;
  }
  for (const [key, inner] of Object.entries(value)) {
    const path = /^[A-Za-z_$][\w$]*$/.test(key) ? `${prefix}.${key}` : `${prefix}["${key}"]`;
    out.push(path);
    fieldPaths(inner, path, out, depth + 1);
  }
  return out;
}

/** Every node upstream of `nodeId`, nearest first. */
export function upstreamOf(nodeId: string, edges: readonly CanvasEdge[]): string[] {
  const incoming = new Map<string, string[]>();
  for (const e of edges) incoming.set(e.target, [...(incoming.get(e.target) ?? []), e.source]);
  const seen: string[] = [];
  const queue = [...(incoming.get(nodeId) ?? [])];
  while (queue.length > 0) {
    const id = queue.shift()!;
    if (seen.includes(id) || id === nodeId) continue;
    seen.push(id);
    queue.push(...(incoming.get(id) ?? []));
  }
  return seen;
}

export interface ExpressionData {
  completions: Completion[];
  /** For code: the same, and what only code has. */
  codeCompletions?: Completion[];
  /** The items this node received in the last run (for previews). */
  items: Item[];
  /** The upstream steps' output in the last run, by node name (what `$node("Name")` reads in a preview). */
  nodes?: Record<string, Item[]>;
}

/** The upstream nodes of `nodeId`, nearest first, with their names: what expressions can name. */
export function upstreamNames(nodeId: string, nodes: readonly CanvasNode[], edges: readonly CanvasEdge[]): { id: string; name: string; parent: boolean }[] {
  const names = new Map(nodes.filter(isStep).map((n) => [n.id, n.data.name]));
  const parents = new Set(edges.filter((e) => e.target === nodeId).map((e) => e.source));
  return upstreamOf(nodeId, edges).flatMap((id) => (names.has(id) ? [{ id, name: names.get(id)!, parent: parents.has(id) }] : []));
}

export function expressionData(
  nodeId: string,
  upstream: readonly { id: string; name: string; parent: boolean }[],
  run: RunDetail | null,
  describe: (builtIn: BuiltIn) => string = (key) => key,
  variables: readonly { key: string; value: string }[] = [],
): ExpressionData {
  const step = run?.steps.find((s) => s.nodeId === nodeId);
  const parents = new Set(upstream.filter((u) => u.parent).map((u) => u.id));
  // Without this node's own step (it never ran), its parents' output is what it would receive.
  const items: Item[] =
    step?.input ??
    (run?.steps ?? []).filter((s) => parents.has(s.nodeId)).flatMap((s) => Object.values(s.output ?? {}).flat());
  const completions: Completion[] = BUILT_INS.map((b) => ({ label: b.label, type: 'variable', info: describe(b.key) }));
  for (const path of fieldPaths(items[0]?.json ?? {})) completions.push({ label: `$json${path}`, type: 'property', boost: 2 });
  const nodes: Record<string, Item[]> = {};
  for (const { id, name } of upstream) {
    const base = `$node(${JSON.stringify(name)})`;
    completions.push({ label: `${base}.json`, type: 'function', detail: 'node' });
    const output = run?.steps.find((s) => s.nodeId === id)?.output;
    // All ports, as the runtime gives $node("Name") (at most what a preview request takes).
    if (output) nodes[name] = Object.values(output).flat().slice(0, MAX_PREVIEW_ITEMS);
    for (const path of fieldPaths(nodes[name]?.[0]?.json ?? {}).slice(0, 50)) completions.push({ label: `${base}.json${path}`, type: 'property' });
  }
  for (const variable of variables) completions.push({ label: `$vars.${variable.key}`, type: 'constant', detail: variable.value.length > 40 ? `${variable.value.slice(0, 40)}…` : variable.value });
  const codeCompletions = [...completions, ...CODE_BUILT_INS.map((b) => ({ label: b.label, type: 'variable', info: describe(b.key) }))];
  return { completions, codeCompletions, items, nodes };
}

/** A preview request takes at most this many items per node. */
const MAX_PREVIEW_ITEMS = 100;

/** The nodes an expression names (`$node("A")`, `$("A")`, `$node['A']`): only their output is sent with a preview. */
export function namedNodes(expression: string, nodes: Readonly<Record<string, Item[]>>): Record<string, Item[]> {
  return Object.fromEntries(Object.entries(nodes).filter(([name]) => expression.includes(JSON.stringify(name)) || expression.includes(`'${name}'`)));
}
