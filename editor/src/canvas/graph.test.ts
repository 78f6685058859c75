import { describe, expect, it } from 'vitest';
import { toFlow, toGraph, DEFAULT_SETTINGS } from './graph.ts';

describe('graph ⇄ canvas', () => {
  it('round-trips nodes, edges (by port) and sticky notes; positions are whole pixels', () => {
    const graph = {
      nodes: [
        { id: 'a', type: 'trigger.manual', name: 'Start', params: {}, position: [0, 0] as [number, number], onError: 'stop' as const, notes: 'why' },
        { id: 'b', type: 'logic.if', name: 'If', params: { x: 1 }, position: [240.4, 10.6] as [number, number], onError: 'continue' as const, retry: { maxAttempts: 3, backoffMs: 1000, maxBackoffMs: 5000 } },
      ],
      edges: [{ source: 'a', sourcePort: 'main', target: 'b', targetPort: 'main' }],
      stickyNotes: [{ id: 's', text: 'Hi', position: [5, 5] as [number, number], width: 200, height: 100, color: 'blue' as const }],
    };
    const { nodes, edges } = toFlow(graph);
    expect(edges[0]).toMatchObject({ id: 'a:main->b:main', sourceHandle: 'main', targetHandle: 'main' });
    const back = toGraph(nodes, edges, DEFAULT_SETTINGS);
    expect(back.nodes[1]!.position).toEqual([240, 11]);
    expect(back).toEqual({ schemaVersion: 1, ...graph, nodes: [graph.nodes[0], { ...graph.nodes[1], position: [240, 11] }], settings: DEFAULT_SETTINGS });
  });
  it('fills what an older document leaves out', () => {
    const { edges } = toFlow({ nodes: [], edges: [{ source: 'a', target: 'b' } as never] });
    expect(edges[0]!.id).toBe('a:main->b:main');
  });
});
