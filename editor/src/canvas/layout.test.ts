import { describe, expect, it } from 'vitest';
import type { GraphNode } from '@junction/nodes';
import { toFlow } from './graph.ts';
import { isPiledUp, layoutPositions } from './layout.ts';

// Where a graph gives no position the server stores [0, 0] (the end-to-end test sends one without).
const step = (id: string, position: [number, number] = [0, 0]): GraphNode => ({ id, type: 'logic.noop', name: id, params: {}, onError: 'stop', position });

describe('auto-layout', () => {
  it('finds a pile: most steps at one position, not a laid-out flow with one slip', () => {
    expect(isPiledUp(toFlow({ nodes: [step('a', [0, 0]), step('b', [0, 0]), step('c', [0, 0])] }).nodes)).toBe(true);
    expect(isPiledUp(toFlow({ nodes: [step('a'), step('b'), step('c'), step('d', [280, 0])] }).nodes)).toBe(true);
    expect(isPiledUp(toFlow({ nodes: [step('a', [0, 0]), step('b', [280, 0]), step('c', [560, 0])] }).nodes)).toBe(false);
    // Two of five dropped on the same spot is a person's slip, not a pile.
    expect(isPiledUp(toFlow({ nodes: [step('a', [0, 0]), step('b', [0, 0]), step('c', [280, 0]), step('d', [560, 0]), step('e', [840, 0])] }).nodes)).toBe(false);
    expect(isPiledUp(toFlow({ nodes: [step('a', [0, 0])] }).nodes)).toBe(false);
    // Sticky notes do not count: a note on top of the trigger is normal.
    const sticky = { id: 's', text: '', color: 'yellow' as const, position: [0, 0] as [number, number], width: 200, height: 100 };
    expect(isPiledUp(toFlow({ nodes: [step('a', [0, 0]), step('b', [280, 0])], stickyNotes: [sticky] }).nodes)).toBe(false);
  });

  it('spreads a pile into boxes that do not overlap, in the order the edges run', async () => {
    const { nodes, edges } = toFlow({
      nodes: [step('a'), step('b'), step('c'), step('d')],
      edges: [
        { source: 'a', sourcePort: 'main', target: 'b', targetPort: 'main' },
        { source: 'a', sourcePort: 'main', target: 'c', targetPort: 'main' },
        { source: 'b', sourcePort: 'main', target: 'd', targetPort: 'main' },
      ],
    });
    const at = await layoutPositions(nodes, edges);
    const boxes = [...at.values()].map((p) => ({ ...p, right: p.x + 220, bottom: p.y + 72 }));
    for (const [i, a] of boxes.entries()) for (const b of boxes.slice(i + 1)) expect(a.right <= b.x || b.right <= a.x || a.bottom <= b.y || b.bottom <= a.y).toBe(true);
    expect(at.get('a')!.x).toBeLessThan(at.get('b')!.x);
    expect(at.get('b')!.x).toBeLessThan(at.get('d')!.x);
    expect(isPiledUp(nodes.map((n) => ({ ...n, position: at.get(n.id)! })))).toBe(false);
  });
});
