/**
 * The one place where a workflow graph (the saved JSON document) and React Flow's nodes
 * and edges turn into each other. Edge ids are derived from what they join, so the same
 * graph always gives the same edges.
 */
import type { Edge as FlowEdge, Node as FlowNode } from '@xyflow/react';
import type { Edge, GraphNode, Settings, StickyNote, WorkflowGraph } from '@junction/nodes';

/** What a step node carries on the canvas: its graph node minus id and position. No functions. */
export type StepData = {
  nodeType: string;
  name: string;
  params: Record<string, unknown>;
  onError: 'stop' | 'continue';
  retry?: GraphNode['retry'];
  notes?: string;
};
export type StickyData = { text: string; color: StickyNote['color'] };

export type StepFlowNode = FlowNode<StepData, 'step'>;
export type StickyFlowNode = FlowNode<StickyData, 'sticky'>;
export type CanvasNode = StepFlowNode | StickyFlowNode;
export type CanvasEdge = FlowEdge;

export const DEFAULT_SETTINGS: Settings = { timezone: '', timeoutSeconds: 3600 };

export const edgeId = (e: Pick<Edge, 'source' | 'sourcePort' | 'target' | 'targetPort'>) =>
  `${e.source}:${e.sourcePort}->${e.target}:${e.targetPort}`;

export function isStep(node: CanvasNode): node is StepFlowNode {
  return node.type === 'step';
}

export function toFlowEdge(edge: Edge): CanvasEdge {
  return { id: edgeId(edge), source: edge.source, sourceHandle: edge.sourcePort, target: edge.target, targetHandle: edge.targetPort };
}

export function toFlowNode(node: GraphNode): StepFlowNode {
  const data: StepData = { nodeType: node.type, name: node.name, params: node.params ?? {}, onError: node.onError ?? 'stop' };
  if (node.retry) data.retry = node.retry;
  if (node.notes) data.notes = node.notes;
  return { id: node.id, type: 'step', position: { x: node.position?.[0] ?? 0, y: node.position?.[1] ?? 0 }, data };
}

export function toStickyNode(note: StickyNote): StickyFlowNode {
  return {
    id: note.id,
    type: 'sticky',
    position: { x: note.position[0], y: note.position[1] },
    width: note.width,
    height: note.height,
    data: { text: note.text, color: note.color },
    zIndex: -1,
  };
}

/** A graph (as saved, possibly missing defaults) to the canvas. */
export function toFlow(graph: Partial<Pick<WorkflowGraph, 'nodes' | 'edges' | 'stickyNotes'>>): { nodes: CanvasNode[]; edges: CanvasEdge[] } {
  const nodes: CanvasNode[] = [...(graph.stickyNotes ?? []).map(toStickyNode), ...(graph.nodes ?? []).map(toFlowNode)];
  const edges = (graph.edges ?? []).map((e) => toFlowEdge({ ...e, sourcePort: e.sourcePort ?? 'main', targetPort: e.targetPort ?? 'main' }));
  return { nodes, edges };
}

const round = (n: number) => Math.round(n);

export function toGraphNode(node: StepFlowNode): GraphNode {
  const out: GraphNode = {
    id: node.id,
    type: node.data.nodeType,
    name: node.data.name,
    params: node.data.params,
    position: [round(node.position.x), round(node.position.y)],
    onError: node.data.onError,
  };
  if (node.data.retry) out.retry = node.data.retry;
  if (node.data.notes) out.notes = node.data.notes;
  return out;
}

export function toGraphEdge(edge: CanvasEdge): Edge {
  return { source: edge.source, sourcePort: edge.sourceHandle ?? 'main', target: edge.target, targetPort: edge.targetHandle ?? 'main' };
}

/** The canvas to the graph document the API saves. Nodes keep their canvas order (error paths refer to it). */
export function toGraph(nodes: readonly CanvasNode[], edges: readonly CanvasEdge[], settings: Settings): WorkflowGraph {
  const steps: GraphNode[] = [];
  const stickyNotes: StickyNote[] = [];
  for (const node of nodes) {
    if (isStep(node)) steps.push(toGraphNode(node));
    else
      stickyNotes.push({
        id: node.id,
        text: node.data.text,
        color: node.data.color,
        position: [round(node.position.x), round(node.position.y)],
        width: round(node.width ?? node.measured?.width ?? 240),
        height: round(node.height ?? node.measured?.height ?? 160),
      });
  }
  return { schemaVersion: 1, nodes: steps, edges: edges.map(toGraphEdge), stickyNotes, settings };
}
