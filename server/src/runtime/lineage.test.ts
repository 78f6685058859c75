/**
 * The lineage walk on its own (pure: step outputs and edges in, indexes out), for the
 * shapes real runs rarely produce on demand: diamonds, items made from several, stored
 * outputs whose ports come back in another order. Real runs: sandbox/lineage.test.ts.
 */
import type { Edge, Item, PortItems } from '@junction/nodes';
import { describe, expect, it } from 'vitest';
import { flattenOutput, lineageOf, pairedItemsOf, type RunOutputs } from './lineage.ts';

type Node = { id: string; ports?: string[]; output: PortItems };

function runOf(nodes: Node[], edges: [string, string, string?][]): RunOutputs {
  // In edge order, as the graph lists them (adjacencyOf in @junction/nodes).
  const incoming = new Map<string, Edge[]>(nodes.map((node) => [node.id, []]));
  for (const [source, target, sourcePort = 'main'] of edges) incoming.get(target)!.push({ source, target, sourcePort, targetPort: 'main' });
  const byId = new Map(nodes.map((node) => [node.id, node]));
  return {
    incoming,
    triggerNodeId: nodes[0]!.id,
    output: (id) => {
      const node = byId.get(id);
      return node ? lineageOf(flattenOutput(node.output, node.ports ?? ['main'])) : null;
    },
    nameOf: (id) => id.toUpperCase(),
  };
}

const items = (...paired: (number | number[] | undefined)[]): Item[] => paired.map((p, i) => (p === undefined ? { json: { i } } : { json: { i }, pairedItem: p }));

describe('pairedItemsOf', () => {
  const start: Node = { id: 'start', output: { main: items(undefined, undefined, undefined) } };

  it('follows a chain back, through an if whose ports were stored in another order', () => {
    const run = runOf(
      [
        start,
        // Stored as JSONB orders keys: "true" before "false" whatever the node emitted first.
        { id: 'if', ports: ['true', 'false'], output: { false: items(1), true: items(0, 2) } },
        { id: 'big', output: { main: items(0, 1) } },
      ],
      [
        ['start', 'if'],
        ['if', 'big', 'true'],
      ],
    );
    // `big` received if's true items (0 and 2 of start), in that order; a step after it receives big's.
    expect(pairedItemsOf(run, 'big', 'start', 0, 2)).toEqual({ at: [0, 2], problems: [] });
    // Indexes into if's own output as $node("IF") reads it: true port first.
    expect(pairedItemsOf(run, 'big', 'if', 0, 2)).toEqual({ at: [0, 1], problems: [] });
  });

  it('joins paths: one item through two, several different ones, and none', () => {
    const run = runOf(
      [
        start,
        { id: 'a', output: { main: items(0, 1, 2) } },
        { id: 'b', output: { main: items(0, 1, 2) } },
        // merge receives a's three items, then b's three
        { id: 'merge', output: { main: items([0, 3], [0, 4], [0, 1]) } },
        { id: 'after', output: { main: [] } },
      ],
      [
        ['start', 'a'],
        ['start', 'b'],
        ['a', 'merge'],
        ['b', 'merge'],
        ['merge', 'after'],
      ],
    );
    // merge's item 0 comes from a[0] and b[0], both start[0]; items 1 and 2 from two different ones.
    expect(pairedItemsOf(run, 'after', 'start', 0, 3)).toEqual({
      at: [0, -1, -1],
      problems: ['it comes from several items of "START", so which one is meant is unclear; use .all(), .first() or .last()'],
    });
    // For "A" the path through b leads to no item of it, which does not make it ambiguous.
    expect(pairedItemsOf(run, 'after', 'a', 0, 3).at).toEqual([0, 0, -1]);
    expect(pairedItemsOf(run, 'after', 'b', 0, 3)).toEqual({
      at: [0, 1, -1],
      problems: ['it does not come from any item of "B" ("B" is not on the path that led to it)'],
    });
  });

  it('names the step that lost the lineage, once for all the items it concerns; a node that emitted one item is the answer then', () => {
    const edges: [string, string][] = [
      ['start', 'code'],
      ['code', 'use'],
    ];
    const use: Node = { id: 'use', output: { main: [] } };
    const run = runOf([start, { id: 'code', output: { main: items(undefined, undefined, 2) } }, use], edges);
    expect(pairedItemsOf(run, 'use', 'start', 0, 3)).toEqual({
      at: [-1, -1, 2],
      problems: ['paired item data unavailable: "CODE" emitted items without saying which input item each came from (pairedItem)'],
    });
    const one = runOf([{ id: 'start', output: { main: items(undefined) } }, { id: 'code', output: { main: items(undefined, undefined) } }, use], edges);
    expect(pairedItemsOf(one, 'use', 'start', 0, 2)).toEqual({ at: [0, 0], problems: [] });
  });

  it('gives only the requested items, and nothing to follow for the trigger itself', () => {
    const run = runOf([start, { id: 'a', output: { main: items(2, 1, 0) } }], [['start', 'a']]);
    expect(pairedItemsOf(run, 'a', 'start', 1, 3)).toEqual({ at: [1, 2], problems: [] });
    expect(pairedItemsOf(run, 'start', 'a', 0, 1).problems[0]).toContain('does not come from any item of "A"');
  });
});
