/**
 * Auto-layout with dagre (layered, left to right, as flows read): the layout button, and
 * workflows that open as a pile. The library is loaded on first use: most sessions never
 * need it.
 */
import type { XYPosition } from '@xyflow/react';
import { isStep, type CanvasEdge, type CanvasNode } from './graph.ts';

const NODE_WIDTH = 220;
const NODE_HEIGHT = 72;

/**
 * Whether the steps lie in a pile: most of them share their position with another step.
 * Workflows written through the API or imported often give every node [0, 0] (or no
 * position at all), and such a workflow would open as one stack of boxes.
 */
export function isPiledUp(nodes: readonly CanvasNode[]): boolean {
  const steps = nodes.filter(isStep);
  const taken = new Map<string, number>();
  const key = (node: CanvasNode) => `${Math.round(node.position.x)},${Math.round(node.position.y)}`;
  for (const node of steps) taken.set(key(node), (taken.get(key(node)) ?? 0) + 1);
  const stacked = steps.filter((node) => taken.get(key(node))! > 1).length;
  return stacked >= 2 && stacked * 2 > steps.length;
}

export async function layoutPositions(nodes: readonly CanvasNode[], edges: readonly CanvasEdge[]): Promise<Map<string, XYPosition>> {
  const { default: dagre } = await import('@dagrejs/dagre');
  const graph = new dagre.graphlib.Graph();
  graph.setGraph({ rankdir: 'LR', nodesep: 40, ranksep: 90, marginx: 20, marginy: 20 });
  graph.setDefaultEdgeLabel(() => ({}));
  const steps = nodes.filter(isStep);
  for (const node of steps) {
    graph.setNode(node.id, { width: node.measured?.width ?? NODE_WIDTH, height: node.measured?.height ?? NODE_HEIGHT });
  }
  for (const edge of edges) if (graph.hasNode(edge.source) && graph.hasNode(edge.target)) graph.setEdge(edge.source, edge.target);
  dagre.layout(graph);
  const positions = new Map<string, XYPosition>();
  for (const node of steps) {
    const placed = graph.node(node.id);
    // dagre gives centres; React Flow positions are top-left corners.
    positions.set(node.id, { x: Math.round(placed.x - placed.width / 2), y: Math.round(placed.y - placed.height / 2) });
  }
  return positions;
}
