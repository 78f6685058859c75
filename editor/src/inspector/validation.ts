/**
 * Problems with a workflow, placed on the node and field they are about. The editor
 * checks the graph with the same validator the server runs (`validateWorkflow` from
 * @junction/nodes), and maps a server 400's paths (`graph.nodes[2].params.url`) the same
 * way, so both kinds of error appear in the same places. Messages are put in the reader's
 * language as they are placed (plain words for a field, the code's sentence otherwise).
 */
import { catalogue, validateWorkflow, type NodeMessage, type WorkflowGraph } from '@junction/nodes';
import { i18n } from '../i18n/index.ts';
import { humanize } from '../i18n/node-types.ts';
import { choicesOf, issueSentence } from '../i18n/problems.ts';

export interface NodeProblems {
  /** By field path inside params, e.g. `url`, `conditions[0].right`; '' for the node as a whole. */
  fields: Record<string, string[]>;
  count: number;
}
export type NodeIssues = Record<string, NodeProblems>;

/** The key, in a NodeIssues map, of problems about the workflow as a whole (no trigger, settings). */
export const WORKFLOW_PROBLEMS = '';

export interface PathIssue {
  /** The validator's or the API's code (`invalid_params`, `cycle`…), when known. */
  code?: string;
  message: string;
  path: string;
  /** A node type's own message, by key: told in the node's words. */
  i18n?: NodeMessage;
}

const NODE_PATH = /^(?:graph\.)?nodes\[(\d+)\](.*)$/;
const EDGE_PATH = /^(?:graph\.)?edges\[(\d+)\]/;

/** The field a path inside a node names: `.params.url` → `url`, `.name` → `$name`, anything else → the node itself. */
function fieldOf(rest: string): string {
  if (rest.startsWith('.params')) return rest.slice('.params'.length).replace(/^\./, '');
  if (rest === '.name') return '$name';
  return '';
}

/** `Node "Fetch", field url: Invalid URL` → `Invalid URL`: shown on that node's field, the message need not say where. */
function withoutPlace(message: string, nodeName: string, field: string): string {
  const place = [`Node "${nodeName}", field ${field}: `, `Node "${nodeName}": `].find((prefix) => message.startsWith(prefix));
  return place ? message.slice(place.length) : message;
}

type GraphNode = WorkflowGraph['nodes'][number];

/** The property a field path ends with, as node types' words are keyed: `conditions[0].op` → `op`. */
const propertyOf = (field: string) => /([\w$]+)(?:\[\d+\])*$/.exec(field)?.[1] ?? field;

/** Words of a node type's param (`nodeTypes.logic.if.params.op.label`), when there are any. */
function fieldWords(node: GraphNode, field: string, part: 'label' | 'choose'): string | undefined {
  const key = `nodeTypes.${node.type}.params.${propertyOf(field)}.${part}`;
  return i18n.exists(key) ? i18n.t(key) : undefined;
}

/** The value at a field path inside a node's params (`conditions[0].op`). */
function valueAt(params: unknown, field: string): unknown {
  let value = params;
  for (const [, key, index] of field.matchAll(/([^.[\]]+)|\[(\d+)\]/g)) {
    if (typeof value !== 'object' || value === null) return undefined;
    value = (value as Record<string, unknown>)[key ?? index!];
  }
  return value;
}

/**
 * An issue about one field of a node, in the reader's words. A choice not made yet says so
 * ("Choose a comparison") instead of listing every allowed code; a choice that is not one
 * of them lists them by their labels.
 */
function fieldSentence(node: GraphNode, field: string, issue: { code?: string; message: string; i18n?: NodeMessage }): string {
  const choices = field ? choicesOf(issue.message) : undefined;
  if (!choices) return issueSentence(issue);
  const value = valueAt(node.params, field);
  if (value === undefined || value === '') return fieldWords(node, field, 'choose') ?? i18n.t('fieldProblems.choose');
  const property = propertyOf(field);
  const label = (choice: string) => {
    const key = `nodeTypes.${node.type}.options.${property}.${choice}`;
    return i18n.exists(key) ? i18n.t(key) : choice;
  };
  return i18n.t('fieldProblems.oneOf', { values: choices.map(label).join(i18n.t('fieldProblems.listSeparator')) });
}

/** Places issues (paths into the graph as saved) on the graph's nodes. Edge problems go on the edge's target. */
export function placeIssues(graph: Pick<WorkflowGraph, 'nodes' | 'edges'>, issues: readonly PathIssue[]): { byNode: NodeIssues; general: string[] } {
  const byNode: NodeIssues = {};
  const general: string[] = [];
  const add = (nodeId: string, field: string, message: string) => {
    const entry = (byNode[nodeId] ??= { fields: {}, count: 0 });
    (entry.fields[field] ??= []).push(message);
    entry.count++;
  };
  for (const issue of issues) {
    const nodeMatch = NODE_PATH.exec(issue.path);
    const node = nodeMatch ? graph.nodes[Number(nodeMatch[1])] : undefined;
    if (node && nodeMatch) {
      const field = fieldOf(nodeMatch[2]!);
      add(node.id, field, fieldSentence(node, field, { code: issue.code, message: withoutPlace(issue.message, node.name, field), i18n: issue.i18n }));
      continue;
    }
    const edgeMatch = EDGE_PATH.exec(issue.path);
    const edge = edgeMatch ? graph.edges[Number(edgeMatch[1])] : undefined;
    if (edge && graph.nodes.some((n) => n.id === edge.target)) {
      add(edge.target, '', issueSentence(issue));
      continue;
    }
    const sentence = issueSentence(issue);
    general.push(sentence);
    add(WORKFLOW_PROBLEMS, '', sentence);
  }
  return { byNode, general };
}

/**
 * What a save was refused for, as one sentence: the first problem with the node and field
 * it is about, and how many more there are (each is shown on its node).
 *
 * @example savedProblems(graph, issues) // '“Big?”, Comparison: Choose a comparison (and 2 more problems)'
 */
export function savedProblems(graph: Pick<WorkflowGraph, 'nodes' | 'edges'>, issues: readonly PathIssue[]): string {
  const first = issues[0]!;
  const nodeMatch = NODE_PATH.exec(first.path);
  const node = nodeMatch ? graph.nodes[Number(nodeMatch[1])] : undefined;
  let sentence: string;
  if (node && nodeMatch) {
    const field = fieldOf(nodeMatch[2]!);
    const problem = fieldSentence(node, field, { code: first.code, message: withoutPlace(first.message, node.name, field), i18n: first.i18n });
    const label = field === '$name' ? i18n.t('inspector.name') : field ? (fieldWords(node, field, 'label') ?? humanize(propertyOf(field))) : undefined;
    sentence = label ? i18n.t('savedProblems.onField', { node: node.name, field: label, problem }) : i18n.t('savedProblems.onNode', { node: node.name, problem });
  } else {
    sentence = issueSentence(first);
  }
  return issues.length > 1 ? i18n.t('savedProblems.more', { first: sentence, count: issues.length - 1 }) : sentence;
}

/** The editor's own check of the graph: what saving it would be refused for. */
export function checkGraph(graph: WorkflowGraph): { byNode: NodeIssues; general: string[] } {
  const result = validateWorkflow(graph, catalogue);
  if (result.ok) return { byNode: {}, general: [] };
  // A type the editor's bundle does not know is the server's to judge.
  return placeIssues(graph, result.issues.filter((issue) => issue.code !== 'unknown_node_type'));
}

/** Merges two problem maps (the editor's and the server's). */
export function mergeIssues(a: NodeIssues, b: NodeIssues): NodeIssues {
  const out: NodeIssues = { ...a };
  for (const [id, problems] of Object.entries(b)) {
    const base = out[id] ?? { fields: {}, count: 0 };
    const fields = { ...base.fields };
    let count = base.count;
    for (const [field, messages] of Object.entries(problems.fields)) {
      const fresh = messages.filter((m) => !(fields[field] ?? []).includes(m));
      fields[field] = [...(fields[field] ?? []), ...fresh];
      count += fresh.length;
    }
    out[id] = { fields, count };
  }
  return out;
}
