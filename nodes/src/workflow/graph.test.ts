import { describe, expect, it } from 'vitest';
import { adjacencyOf, descendantsOf, topologicalOrder } from './graph.ts';
import type { Edge, GraphNode } from './schema.ts';

const node = (id: string): GraphNode => ({ id, type: 'logic.noop', name: id, params: {}, position: [0, 0], onError: 'stop' });
const edge = (source: string, target: string, sourcePort = 'main'): Edge => ({ source, sourcePort, target, targetPort: 'main' });
const graphOf = (ids: string[], edges: Edge[]) => ({ nodes: ids.map(node), edges });

describe('adjacencyOf', () => {
  it('lists incoming and outgoing edges per node, including nodes with none', () => {
    const a = edge('t', 'a');
    const b = edge('t', 'b');
    const { incoming, outgoing } = adjacencyOf(graphOf(['t', 'a', 'b', 'lonely'], [a, b]));
    expect(outgoing.get('t')).toEqual([a, b]);
    expect(incoming.get('a')).toEqual([a]);
    expect(incoming.get('t')).toEqual([]);
    expect(outgoing.get('lonely')).toEqual([]);
    expect([...incoming.keys()]).toEqual(['t', 'a', 'b', 'lonely']);
  });

  it('ignores edges to nodes that are not there', () => {
    const { incoming, outgoing } = adjacencyOf(graphOf(['a'], [edge('a', 'ghost')]));
    expect(incoming.has('ghost')).toBe(false);
    expect(outgoing.get('a')).toHaveLength(1);
  });
});

describe('topologicalOrder', () => {
  it('puts every node after its sources', () => {
    const graph = graphOf(['d', 'c', 'b', 'a'], [edge('a', 'b'), edge('b', 'c'), edge('a', 'c'), edge('c', 'd')]);
    expect(topologicalOrder(graph)).toEqual({ order: ['a', 'b', 'c', 'd'], cyclic: [] });
  });

  it('breaks ties by the order of the nodes', () => {
    const graph = graphOf(['t2', 't1', 'x', 'y'], [edge('t1', 'y'), edge('t2', 'x')]);
    expect(topologicalOrder(graph).order).toEqual(['t2', 't1', 'x', 'y']);
  });

  it('waits for every branch of a diamond, even with two edges between the same nodes', () => {
    const graph = graphOf(
      ['t', 'if', 'slow', 'merge'],
      [edge('t', 'if'), edge('if', 'merge', 'true'), edge('if', 'merge', 'false'), edge('if', 'slow', 'true'), edge('slow', 'merge')],
    );
    expect(topologicalOrder(graph)).toEqual({ order: ['t', 'if', 'slow', 'merge'], cyclic: [] });
  });

  it('returns the nodes it could not place when there is a cycle', () => {
    const graph = graphOf(['t', 'a', 'b', 'after', 'other'], [edge('t', 'a'), edge('a', 'b'), edge('b', 'a'), edge('b', 'after'), edge('t', 'other')]);
    const { order, cyclic } = topologicalOrder(graph);
    expect(order).toEqual(['t', 'other']);
    expect(cyclic).toEqual(['a', 'b', 'after']);
  });

  it('handles an empty graph and a self-loop', () => {
    expect(topologicalOrder(graphOf([], []))).toEqual({ order: [], cyclic: [] });
    expect(topologicalOrder(graphOf(['a'], [edge('a', 'a')]))).toEqual({ order: [], cyclic: ['a'] });
  });

  it('orders a long chain without recursion limits', () => {
    const ids = Array.from({ length: 5000 }, (_, i) => `n${i}`);
    const edges = ids.slice(1).map((id, i) => edge(ids[i]!, id));
    const { order } = topologicalOrder(graphOf([...ids].reverse(), edges));
    expect(order).toEqual(ids);
  });
});

describe('descendantsOf', () => {
  const graph = graphOf(
    ['t', 'a', 'b', 'c', 'side'],
    [edge('t', 'a'), edge('a', 'b'), edge('a', 'c'), edge('b', 'c'), edge('t', 'side')],
  );

  it('finds every node reachable downstream, not the start itself', () => {
    expect(descendantsOf(graph, ['a'])).toEqual(new Set(['b', 'c']));
    expect(descendantsOf(graph, ['t'])).toEqual(new Set(['a', 'b', 'c', 'side']));
  });

  it('unions several starts and is empty for a leaf', () => {
    expect(descendantsOf(graph, ['b', 'side'])).toEqual(new Set(['c']));
    expect(descendantsOf(graph, ['c'])).toEqual(new Set());
    expect(descendantsOf(graph, ['unknown'])).toEqual(new Set());
  });

  it('includes a start that another start reaches, and terminates on cycles', () => {
    expect(descendantsOf(graph, ['a', 'b'])).toEqual(new Set(['b', 'c']));
    const loop = graphOf(['a', 'b'], [edge('a', 'b'), edge('b', 'a')]);
    expect(descendantsOf(loop, ['a'])).toEqual(new Set(['a', 'b']));
  });
});
