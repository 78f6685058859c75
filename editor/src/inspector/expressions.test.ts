import { describe, expect, it } from 'vitest';
import type { RunDetail } from '../api/types.ts';
import { toFlow } from '../canvas/graph.ts';
import { expressionData, fieldPaths, upstreamNames, upstreamOf } from './expressions.ts';

describe('expression autocomplete', () => {
  it('lists the paths of an item\'s fields, nested and odd names included', () => {
    expect(fieldPaths({ total: 1, customer: { email: 'a' }, lines: [{ sku: 'x' }], 'order id': 7 })).toEqual([
      '.total',
      '.customer',
      '.customer.email',
      '.lines',
      '.lines[0]',
      '.lines[0].sku',
      '["order id"]',
    ]);
  });

  it('offers $json fields from what the node received in the last run, and the upstream nodes by name', () => {
    const { nodes, edges } = toFlow({
      nodes: ['t', 'f', 'i', 'h'].map((id) => ({ id, type: 'logic.noop', name: `Node ${id}`, params: {}, position: [0, 0], onError: 'stop' as const })),
      edges: [
        { source: 't', sourcePort: 'main', target: 'f', targetPort: 'main' },
        { source: 'f', sourcePort: 'main', target: 'i', targetPort: 'main' },
        { source: 'i', sourcePort: 'main', target: 'h', targetPort: 'main' },
      ],
    });
    expect(upstreamOf('i', edges)).toEqual(['f', 't']);
    const run = {
      steps: [
        { nodeId: 't', output: { main: [{ json: { total: 5 } }] }, input: [] },
        { nodeId: 'f', output: { main: [{ json: { total: 5, tag: 'x' } }] }, input: [{ json: { total: 5 } }] },
      ],
    } as unknown as RunDetail;
    const data = expressionData('i', upstreamNames('i', nodes, edges), run);
    const labels = data.completions.map((c) => c.label);
    expect(data.items).toEqual([{ json: { total: 5, tag: 'x' } }]);
    expect(labels).toEqual(expect.arrayContaining(['$json', '$now', '$json.total', '$json.tag', '$node("Node f").json.tag', '$node("Node t").json.total']));
    expect(labels).not.toContain('$node("Node h").json');
  });
});
