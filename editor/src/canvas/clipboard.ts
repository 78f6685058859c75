/**
 * Copy and paste of canvas fragments as JSON text, so nodes travel between workflows and
 * browser tabs through the system clipboard. Pasted nodes get new ids and, where a name
 * is taken, a new name; connections among them follow.
 */
import type { XYPosition } from '@xyflow/react';
import { Edge, GraphNode, StickyNote } from '@junction/nodes';
import { z } from 'zod';
import { isStep, toFlowEdge, toFlowNode, toGraphEdge, toGraphNode, toStickyNode, type CanvasEdge, type CanvasNode } from './graph.ts';
import { newNodeId, uniqueName } from './naming.ts';

export const FRAGMENT_FORMAT = 'junction.fragment';

export const Fragment = z.object({
  format: z.literal(FRAGMENT_FORMAT),
  nodes: z.array(GraphNode).max(2000),
  edges: z.array(Edge).default([]),
  stickyNotes: z.array(StickyNote).default([]),
});
export type Fragment = z.infer<typeof Fragment>;

/** The selected nodes and sticky notes, and the connections among them. */
export function copySelection(nodes: readonly CanvasNode[], edges: readonly CanvasEdge[]): Fragment | null {
  const selected = nodes.filter((n) => n.selected);
  if (selected.length === 0) return null;
  const ids = new Set(selected.map((n) => n.id));
  return {
    format: FRAGMENT_FORMAT,
    nodes: selected.filter(isStep).map(toGraphNode),
    edges: edges.filter((e) => ids.has(e.source) && ids.has(e.target)).map(toGraphEdge),
    stickyNotes: selected
      .filter((n) => n.type === 'sticky')
      .map((n) => ({
        id: n.id,
        text: n.data.text as string,
        color: n.data.color as StickyNote['color'],
        position: [Math.round(n.position.x), Math.round(n.position.y)] as [number, number],
        width: Math.round(n.width ?? 240),
        height: Math.round(n.height ?? 160),
      })),
  };
}

/** Reads clipboard text; null when it is not a Junction fragment (someone pasted prose). */
export function parseFragment(text: string): Fragment | null {
  try {
    const parsed = Fragment.safeParse(JSON.parse(text));
    return parsed.success ? parsed.data : null;
  } catch {
    // Not JSON at all: not ours to paste.
    return null;
  }
}

const PASTE_OFFSET = 40;

/** The fragment's nodes and edges with fresh ids and unique names, placed at `at` (or offset from where they were). */
export function pasteFragment(fragment: Fragment, existing: readonly CanvasNode[], at?: XYPosition): { nodes: CanvasNode[]; edges: CanvasEdge[] } {
  const names = new Set(existing.filter(isStep).map((n) => n.data.name.toLowerCase()));
  const positions = [...fragment.nodes.map((n) => n.position), ...fragment.stickyNotes.map((n) => n.position)];
  const minX = Math.min(...positions.map((p) => p[0]));
  const minY = Math.min(...positions.map((p) => p[1]));
  const shift = (p: [number, number]): [number, number] =>
    at ? [at.x + p[0] - minX, at.y + p[1] - minY] : [p[0] + PASTE_OFFSET, p[1] + PASTE_OFFSET];
  const ids = new Map<string, string>();
  const nodes: CanvasNode[] = [];
  for (const node of fragment.nodes) {
    const id = newNodeId();
    ids.set(node.id, id);
    const name = uniqueName(node.name, names);
    names.add(name.toLowerCase());
    nodes.push({ ...toFlowNode({ ...node, id, name, position: shift(node.position) }), selected: true });
  }
  for (const note of fragment.stickyNotes) nodes.push({ ...toStickyNode({ ...note, id: newNodeId(), position: shift(note.position) }), selected: true });
  const edges = fragment.edges
    .filter((e) => ids.has(e.source) && ids.has(e.target))
    .map((e) => toFlowEdge({ ...e, source: ids.get(e.source)!, target: ids.get(e.target)! }));
  return { nodes, edges };
}
