import type { z } from 'zod';
import type { ErrorCode } from '../contract/vocabulary.ts';
import type { NodeDefinition } from '../sdk/index.ts';
import { nodeMessageOf } from '../sdk/messages.ts';
import type { NodeMessage } from '../sdk/words.ts';
import { containsExpression } from './expressions.ts';
import { topologicalOrder } from './graph.ts';
import { LIMITS, WorkflowGraph } from './schema.ts';

export interface ValidationIssue {
  code: ErrorCode;
  /** A sentence a business user understands, naming the node when there is one. */
  message: string;
  /** JSON path into the document, e.g. `nodes[2].params.url`. */
  path: string;
  /**
   * A node type's own check, by key (`connector.http.bodyNotAllowed`) with the values of
   * its placeholders: the node's words hold the message in every language the editor speaks.
   */
  i18n?: NodeMessage;
}

export type ValidationResult = { ok: true; graph: WorkflowGraph } | { ok: false; issues: ValidationIssue[] };

const MAX_DEPTH = 64;
const FORBIDDEN_KEYS = new Set(['__proto__']);

export function formatPath(path: readonly PropertyKey[]): string {
  let out = '';
  for (const key of path) {
    if (typeof key === 'number') out += `[${key}]`;
    else if (/^[A-Za-z_$][A-Za-z0-9_$]*$/.test(String(key))) out += out === '' ? String(key) : `.${String(key)}`;
    else out += `[${JSON.stringify(String(key))}]`;
  }
  return out;
}

/** Refuses `__proto__` keys and absurd nesting before anything else reads the document. */
function checkStructure(document: unknown): ValidationIssue | undefined {
  const stack: { value: unknown; path: PropertyKey[] }[] = [{ value: document, path: [] }];
  while (stack.length > 0) {
    const { value, path } = stack.pop()!;
    if (typeof value !== 'object' || value === null) continue;
    if (path.length > MAX_DEPTH) {
      return { code: 'too_deep', message: `The document is nested more than ${MAX_DEPTH} levels deep`, path: formatPath(path) };
    }
    for (const key of Object.keys(value)) {
      if (FORBIDDEN_KEYS.has(key)) {
        return { code: 'forbidden_key', message: `"${key}" is not allowed as a key`, path: formatPath([...path, key]) };
      }
      stack.push({ value: (value as Record<string, unknown>)[key], path: [...path, Array.isArray(value) ? Number(key) : key] });
    }
  }
  return undefined;
}

function valueAt(root: unknown, path: readonly PropertyKey[]): unknown {
  let current = root;
  for (const key of path) {
    if (typeof current !== 'object' || current === null) return undefined;
    current = (current as Record<PropertyKey, unknown>)[key];
  }
  return current;
}

/**
 * Zod issues of a node's params, minus those at a value computed by an expression (the
 * value is only known at run time; the runtime validates it again then).
 */
export function paramIssues(schema: z.ZodType, params: unknown): z.core.$ZodIssue[] {
  const result = schema.safeParse(params);
  if (result.success) return [];
  return result.error.issues.filter((issue) => {
    // An expression anywhere on the way to the failing value may produce the right shape.
    for (let i = issue.path.length; i >= 0; i--) {
      if (containsExpression(valueAt(params, issue.path.slice(0, i)))) return false;
    }
    return true;
  });
}

/**
 * Narrows the nodes Kahn's algorithm left over to those on a cycle (or between cycles):
 * nodes merely downstream of a cycle are left over too, but are not part of the circle.
 */
function onCycles(graph: Pick<WorkflowGraph, 'edges'>, leftOver: readonly string[]): string[] {
  const remaining = new Set(leftOver);
  const edges = graph.edges.filter((edge) => remaining.has(edge.source) && remaining.has(edge.target));
  const outDegree = new Map(leftOver.map((id) => [id, 0]));
  for (const edge of edges) outDegree.set(edge.source, outDegree.get(edge.source)! + 1);
  const sinks = leftOver.filter((id) => outDegree.get(id) === 0);
  while (sinks.length > 0) {
    const id = sinks.pop()!;
    remaining.delete(id);
    for (const edge of edges) {
      if (edge.target !== id) continue;
      const left = outDegree.get(edge.source)! - 1;
      outDegree.set(edge.source, left);
      if (left === 0) sinks.push(edge.source);
    }
  }
  return leftOver.filter((id) => remaining.has(id));
}

function describeNode(graph: { nodes: { name?: unknown; id?: unknown }[] }, index: number): string {
  const node = graph.nodes[index];
  const name = typeof node?.name === 'string' && node.name.trim() !== '' ? node.name : node?.id;
  return typeof name === 'string' ? `Node "${name}"` : `Node ${index + 1}`;
}

/**
 * Checks a workflow document against the graph schema and the catalogue of node types.
 * Collects every problem it can find, each with its JSON path.
 *
 * @param sizeBytes the size of the document as received, when known, checked first
 */
export function validateWorkflow(
  document: unknown,
  catalogue: ReadonlyMap<string, NodeDefinition>,
  sizeBytes?: number,
): ValidationResult {
  if (sizeBytes !== undefined && sizeBytes > LIMITS.documentBytes) {
    return {
      ok: false,
      issues: [{ code: 'document_too_large', message: `The workflow is ${sizeBytes} bytes; at most ${LIMITS.documentBytes} are allowed`, path: '' }],
    };
  }
  const structural = checkStructure(document);
  if (structural) return { ok: false, issues: [structural] };

  const parsed = WorkflowGraph.safeParse(document);
  if (!parsed.success) {
    const raw = document as { nodes: { name?: unknown; id?: unknown }[] };
    return {
      ok: false,
      issues: parsed.error.issues.map((issue) => {
        const path = formatPath(issue.path);
        const where =
          issue.path[0] === 'nodes' && typeof issue.path[1] === 'number' && Array.isArray(raw?.nodes)
            ? `${describeNode(raw, issue.path[1])}: `
            : '';
        return { code: 'invalid_value', message: `${where}${issue.path.length ? `${path}: ` : ''}${issue.message}`, path };
      }),
    };
  }
  const graph = parsed.data;
  const issues: ValidationIssue[] = [];
  const nodeIndex = new Map<string, number>();
  const names = new Map<string, number>();

  graph.nodes.forEach((node, index) => {
    const path = `nodes[${index}]`;
    if (nodeIndex.has(node.id)) {
      const first = graph.nodes[nodeIndex.get(node.id)!]!;
      issues.push({
        code: 'duplicate_node_id',
        message: `Nodes "${first.name}" and "${node.name}" have the same id "${node.id}"; ids must be unique`,
        path: `${path}.id`,
      });
    } else {
      nodeIndex.set(node.id, index);
    }
    const nameKey = node.name.toLowerCase();
    if (names.has(nameKey)) {
      issues.push({ code: 'duplicate_node_name', message: `Two nodes are named "${node.name}"; give each node its own name`, path: `${path}.name` });
    } else {
      names.set(nameKey, index);
    }
    const definition = catalogue.get(node.type);
    if (!definition) {
      issues.push({ code: 'unknown_node_type', message: `Node "${node.name}" has type "${node.type}", which Junction does not know`, path: `${path}.type` });
      return;
    }
    for (const issue of paramIssues(definition.params, node.params)) {
      const fieldPath = formatPath(issue.path);
      const i18n = nodeMessageOf(issue);
      issues.push({
        code: 'invalid_params',
        message: `Node "${node.name}"${fieldPath ? `, field ${fieldPath}` : ''}: ${issue.message}`,
        path: `${path}.params${fieldPath ? (fieldPath.startsWith('[') ? fieldPath : `.${fieldPath}`) : ''}`,
        ...(i18n ? { i18n } : {}),
      });
    }
  });

  const seenEdges = new Set<string>();
  graph.edges.forEach((edge, index) => {
    const path = `edges[${index}]`;
    const source = nodeIndex.has(edge.source) ? graph.nodes[nodeIndex.get(edge.source)!] : undefined;
    const target = nodeIndex.has(edge.target) ? graph.nodes[nodeIndex.get(edge.target)!] : undefined;
    if (!source) issues.push({ code: 'unknown_node', message: `A connection starts at node id "${edge.source}", which is not in the workflow`, path: `${path}.source` });
    if (!target) issues.push({ code: 'unknown_node', message: `A connection ends at node id "${edge.target}", which is not in the workflow`, path: `${path}.target` });
    if (!source || !target) return;
    if (source.id === target.id) {
      issues.push({ code: 'cycle', message: `Node "${source.name}" is connected to itself; use a loop node to repeat steps`, path });
      return;
    }
    const key = `${edge.source}\u0000${edge.sourcePort}\u0000${edge.target}\u0000${edge.targetPort}`;
    if (seenEdges.has(key)) {
      issues.push({ code: 'duplicate_edge', message: `"${source.name}" is connected to "${target.name}" twice the same way`, path });
    }
    seenEdges.add(key);
    const sourceType = catalogue.get(source.type);
    const targetType = catalogue.get(target.type);
    if (sourceType && !sourceType.outputs.includes(edge.sourcePort)) {
      issues.push({
        code: 'unknown_port',
        message: `"${source.name}" has no output "${edge.sourcePort}" (its outputs: ${sourceType.outputs.join(', ') || 'none'})`,
        path: `${path}.sourcePort`,
      });
    }
    if (targetType && !targetType.inputs.includes(edge.targetPort)) {
      issues.push({
        code: 'unknown_port',
        message:
          targetType.inputs.length === 0
            ? `"${target.name}" is a trigger: nothing can connect into it`
            : `"${target.name}" has no input "${edge.targetPort}" (its inputs: ${targetType.inputs.join(', ')})`,
        path: `${path}.targetPort`,
      });
    }
  });

  const triggers = graph.nodes.filter((node) => catalogue.get(node.type)?.category === 'trigger');
  if (graph.nodes.length > 0 && triggers.length === 0 && !issues.some((i) => i.code === 'unknown_node_type')) {
    issues.push({ code: 'no_trigger', message: 'The workflow needs a trigger (for example "Manual trigger" or "Webhook") to start it', path: 'nodes' });
  }
  const webhookKeys = new Map<string, string>();
  for (const [index, node] of graph.nodes.entries()) {
    if (node.type !== 'trigger.webhook') continue;
    const parsedParams = catalogue.get(node.type)!.params.safeParse(node.params);
    if (!parsedParams.success) continue;
    const { method, path } = parsedParams.data as { method: string; path: string };
    // Paths are one path whatever their case (so the server registers them).
    const key = `${method} ${path.toLowerCase()}`;
    const other = webhookKeys.get(key);
    if (other) {
      issues.push({
        code: 'duplicate_webhook',
        message: `Webhooks "${other}" and "${node.name}" both listen on ${method} /hooks/${path}`,
        path: `nodes[${index}].params.path`,
      });
    }
    webhookKeys.set(key, node.name);
  }

  if (!issues.some((issue) => issue.code === 'unknown_node' || issue.code === 'cycle')) {
    const cyclic = onCycles(graph, topologicalOrder(graph).cyclic);
    if (cyclic.length > 0) {
      const names = cyclic.slice(0, 5).map((id) => `"${graph.nodes[nodeIndex.get(id)!]!.name}"`);
      issues.push({
        code: 'cycle',
        message: `The connections between ${names.join(', ')}${cyclic.length > 5 ? ' and others' : ''} go round in a circle; use a loop node to repeat steps`,
        path: `nodes[${nodeIndex.get(cyclic[0]!)}]`,
      });
    }
  }

  return issues.length > 0 ? { ok: false, issues } : { ok: true, graph };
}
