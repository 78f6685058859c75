import { describe, expect, it } from 'vitest';
import type { RunDetail } from '../api/types.ts';
import { toFlow } from '../canvas/graph.ts';
import { expressionData, fieldPaths, namedNodes, upstreamNames, upstreamOf } from './expressions.ts';

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

  it('gives previews the upstream steps’ output by name, and offers $vars and, in code, what only code has', () => {
    const { nodes, edges } = toFlow({
      nodes: ['t', 'l', 'c'].map((id, i) => ({ id, type: 'logic.noop', name: ['Start', 'Lookup', 'Code'][i]!, params: {}, position: [0, 0], onError: 'stop' as const })),
      edges: [
        { source: 't', sourcePort: 'main', target: 'l', targetPort: 'main' },
        { source: 'l', sourcePort: 'main', target: 'c', targetPort: 'main' },
      ],
    });
    const run = {
      steps: [
        { nodeId: 't', output: { main: [{ json: { n: 1 } }] }, input: [] },
        { nodeId: 'l', output: { true: [{ json: { email: 'a@shop.test' } }], false: [{ json: { email: 'b@shop.test' } }] }, input: [{ json: { n: 1 } }] },
      ],
    } as unknown as RunDetail;
    const data = expressionData('c', upstreamNames('c', nodes, edges), run, undefined, [{ key: 'ERP_HOST', value: 'erp.shop.test' }]);
    // Every port, in order, as the runtime gives $node("Lookup").
    expect(data.nodes).toEqual({ Lookup: [{ json: { email: 'a@shop.test' } }, { json: { email: 'b@shop.test' } }], Start: [{ json: { n: 1 } }] });
    expect(data.completions.map((c) => c.label)).toEqual(expect.arrayContaining(['$vars.ERP_HOST', 'DateTime', '$input.all()', '$node("Lookup").json.email']));
    expect(data.completions.map((c) => c.label)).not.toContain('console.log()');
    expect(data.codeCompletions?.map((c) => c.label)).toEqual(expect.arrayContaining(['console.log()', 'items', '$vars.ERP_HOST']));
    // Only the nodes an expression names go with its preview.
    expect(Object.keys(namedNodes('{{ $node("Lookup").json.email }}', data.nodes!))).toEqual(['Lookup']);
    expect(Object.keys(namedNodes("{{ $('Start').first().json.n }}", data.nodes!))).toEqual(['Start']);
    expect(namedNodes('{{ $json.total }}', data.nodes!)).toEqual({});
  });
});
