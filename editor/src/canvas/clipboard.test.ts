import { describe, expect, it } from 'vitest';
import { copySelection, parseFragment, pasteFragment } from './clipboard.ts';
import { toFlow } from './graph.ts';

const { nodes, edges } = toFlow({
  nodes: [
    { id: 'a', type: 'trigger.manual', name: 'Start', params: {}, position: [100, 100], onError: 'stop' },
    { id: 'b', type: 'logic.noop', name: 'Done', params: {}, position: [300, 100], onError: 'stop' },
    { id: 'c', type: 'logic.noop', name: 'Other', params: {}, position: [300, 300], onError: 'stop' },
  ],
  edges: [
    { source: 'a', sourcePort: 'main', target: 'b', targetPort: 'main' },
    { source: 'a', sourcePort: 'main', target: 'c', targetPort: 'main' },
  ],
});
const selected = nodes.map((n) => ({ ...n, selected: n.id !== 'c' }));

describe('copy and paste', () => {
  it('copies the selected nodes and only the connections among them, as JSON text that reads back', () => {
    const fragment = copySelection(selected, edges)!;
    expect(fragment.nodes.map((n) => n.id)).toEqual(['a', 'b']);
    expect(fragment.edges).toEqual([{ source: 'a', sourcePort: 'main', target: 'b', targetPort: 'main' }]);
    expect(parseFragment(JSON.stringify(fragment))).toEqual(fragment);
    expect(copySelection(nodes, edges)).toBeNull();
  });
  it('ignores clipboard text that is not a fragment', () => {
    expect(parseFragment('Dear purchasing team,')).toBeNull();
    expect(parseFragment('{"nodes": []}')).toBeNull();
  });
  it('pastes at a point, keeping the layout, with new ids and free names', () => {
    const fragment = copySelection(selected, edges)!;
    const pasted = pasteFragment(fragment, nodes, { x: 0, y: 0 });
    expect(pasted.nodes.map((n) => n.position)).toEqual([{ x: 0, y: 0 }, { x: 200, y: 0 }]);
    expect(pasted.nodes.map((n) => (n.data as { name: string }).name)).toEqual(['Start 2', 'Done 2']);
    expect(pasted.nodes.every((n) => !['a', 'b'].includes(n.id))).toBe(true);
    expect(pasted.edges[0]).toMatchObject({ source: pasted.nodes[0]!.id, target: pasted.nodes[1]!.id });
  });
});
