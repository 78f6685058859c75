/**
 * Which connections the canvas accepts, and why it refuses the others — the same rules
 * the server's validator applies (ports the types declare, nothing into a trigger, no
 * circles, no duplicates), checked while the user drags so the reason shows at once.
 */
import type { Connection } from '@xyflow/react';
import type { NodeTypeMap } from '../api/queries.ts';
import { isStep, type CanvasEdge, type CanvasNode } from './graph.ts';

/** An i18n key under `connection.` and its values. */
export interface ConnectionProblem {
  reason: 'self' | 'intoTrigger' | 'noSuchPort' | 'duplicate' | 'cycle' | 'sticky';
  values: Record<string, string>;
}

function reaches(edges: readonly CanvasEdge[], from: string, to: string): boolean {
  const outgoing = new Map<string, string[]>();
  for (const edge of edges) outgoing.set(edge.source, [...(outgoing.get(edge.source) ?? []), edge.target]);
  const seen = new Set<string>();
  const stack = [from];
  while (stack.length > 0) {
    const id = stack.pop()!;
    if (id === to) return true;
    if (seen.has(id)) continue;
    seen.add(id);
    stack.push(...(outgoing.get(id) ?? []));
  }
  return false;
}

export function connectionProblem(
  connection: Pick<Connection, 'source' | 'target'> & { sourceHandle?: string | null; targetHandle?: string | null },
  nodes: readonly CanvasNode[],
  edges: readonly CanvasEdge[],
  types: NodeTypeMap,
): ConnectionProblem | null {
  const source = nodes.find((n) => n.id === connection.source);
  const target = nodes.find((n) => n.id === connection.target);
  if (!source || !target || !isStep(source) || !isStep(target)) return { reason: 'sticky', values: {} };
  const values = { source: source.data.name, target: target.data.name };
  if (source.id === target.id) return { reason: 'self', values };
  const targetType = types.get(target.data.nodeType);
  const sourceType = types.get(source.data.nodeType);
  if (targetType && targetType.inputs.length === 0) return { reason: 'intoTrigger', values };
  const sourcePort = connection.sourceHandle ?? 'main';
  const targetPort = connection.targetHandle ?? 'main';
  if ((sourceType && !sourceType.outputs.includes(sourcePort)) || (targetType && !targetType.inputs.includes(targetPort))) {
    return { reason: 'noSuchPort', values: { ...values, port: `${sourcePort} → ${targetPort}` } };
  }
  const duplicate = edges.some(
    (e) => e.source === source.id && e.target === target.id && (e.sourceHandle ?? 'main') === sourcePort && (e.targetHandle ?? 'main') === targetPort,
  );
  if (duplicate) return { reason: 'duplicate', values };
  if (reaches(edges, target.id, source.id)) return { reason: 'cycle', values };
  return null;
}
