import type { Edge, WorkflowGraph } from './schema.ts';

/** Incoming and outgoing edges per node id. */
export interface Adjacency {
  incoming: Map<string, Edge[]>;
  outgoing: Map<string, Edge[]>;
}

export function adjacencyOf(graph: Pick<WorkflowGraph, 'nodes' | 'edges'>): Adjacency {
  const incoming = new Map<string, Edge[]>();
  const outgoing = new Map<string, Edge[]>();
  for (const node of graph.nodes) {
    incoming.set(node.id, []);
    outgoing.set(node.id, []);
  }
  for (const edge of graph.edges) {
    incoming.get(edge.target)?.push(edge);
    outgoing.get(edge.source)?.push(edge);
  }
  return { incoming, outgoing };
}

/**
 * Node ids in an order where every node comes after its sources (Kahn's algorithm,
 * ties broken by the order of `nodes`). Returns the ids left over when there is a cycle.
 */
export function topologicalOrder(graph: Pick<WorkflowGraph, 'nodes' | 'edges'>): { order: string[]; cyclic: string[] } {
  const { incoming, outgoing } = adjacencyOf(graph);
  const remaining = new Map<string, number>();
  for (const node of graph.nodes) remaining.set(node.id, new Set(incoming.get(node.id)!.map((e) => e.source)).size);
  const queue = graph.nodes.filter((node) => remaining.get(node.id) === 0).map((node) => node.id);
  const order: string[] = [];
  while (queue.length > 0) {
    const id = queue.shift()!;
    order.push(id);
    for (const target of new Set(outgoing.get(id)!.map((e) => e.target))) {
      const left = remaining.get(target)! - 1;
      remaining.set(target, left);
      if (left === 0) queue.push(target);
    }
  }
  const placed = new Set(order);
  return { order, cyclic: graph.nodes.map((n) => n.id).filter((id) => !placed.has(id)) };
}

/** Every node reachable from `from` along edges (not including `from` itself). */
export function descendantsOf(graph: Pick<WorkflowGraph, 'nodes' | 'edges'>, from: Iterable<string>): Set<string> {
  const { outgoing } = adjacencyOf(graph);
  const seen = new Set<string>();
  const stack = [...from];
  while (stack.length > 0) {
    const id = stack.pop()!;
    for (const edge of outgoing.get(id) ?? []) {
      if (!seen.has(edge.target)) {
        seen.add(edge.target);
        stack.push(edge.target);
      }
    }
  }
  return seen;
}
