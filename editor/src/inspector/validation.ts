/**
 * Problems with a workflow, placed on the node and field they are about. The editor
 * checks the graph with the same validator the server runs (`validateWorkflow` from
 * @junction/nodes), and maps a server 400's paths (`graph.nodes[2].params.url`) the same
 * way, so both kinds of error appear in the same places. Messages are put in the reader's
 * language as they are placed (plain words for a field, the code's sentence otherwise).
 */
import { catalogue, validateWorkflow, type WorkflowGraph } from '@junction/nodes';
import { issueSentence } from '../i18n/problems.ts';

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
      add(node.id, field, issueSentence({ code: issue.code, message: withoutPlace(issue.message, node.name, field) }));
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
