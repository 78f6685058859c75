/**
 * Auto-layout with dagre (layered, left to right, as flows read). The library is loaded
 * on first use: most sessions never press the button.
 */
import type { XYPosition } from '@xyflow/react';
import { isStep, type CanvasEdge, type CanvasNode } from './graph.ts';

const NODE_WIDTH = 220;
const NODE_HEIGHT = 72;

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
