import { afterEach, describe, expect, it } from 'vitest';
import { i18n } from '../i18n/index.ts';
import type { WorkflowGraph } from '@junction/nodes';
import { checkGraph, mergeIssues, placeIssues } from './validation.ts';

const graph = {
  schemaVersion: 1,
  nodes: [
    { id: 'hook', type: 'trigger.webhook', name: 'Order received', params: { path: 'orders' }, position: [0, 0], onError: 'stop' },
    { id: 'erp', type: 'connector.http', name: 'Post to ERP', params: { url: 'not a url' }, position: [0, 0], onError: 'stop' },
    { id: 'if', type: 'logic.if', name: 'Big?', params: { conditions: [{ left: 1, op: 'matches', right: '([' }] }, position: [0, 0], onError: 'stop' },
  ],
  edges: [
    { source: 'hook', sourcePort: 'main', target: 'erp', targetPort: 'main' },
    { source: 'hook', sourcePort: 'nope', target: 'if', targetPort: 'main' },
  ],
  stickyNotes: [],
  settings: { timezone: 'UTC', timeoutSeconds: 60 },
} as WorkflowGraph;

describe('problems on nodes and fields', () => {
  it('puts the editor\'s own check on the right node and field', () => {
    const { byNode } = checkGraph(graph);
    expect(byNode.erp!.fields.url![0]).toContain('http:// or https://');
    expect(byNode.if!.fields['conditions[0].right']![0]).toContain('regular expression');
    // A bad port of an edge is the problem of the node it leads to.
    expect(byNode.if!.fields['']![0]).toContain('has no output "nope"');
    expect(byNode.hook).toBeUndefined();
  });

  it('maps a server 400\'s paths (graph.nodes[i]…) the same way; what is not about a node stays general', () => {
    const { byNode, general } = placeIssues(graph, [
      { path: 'graph.nodes[1].params.url', message: 'Bad url' },
      { path: 'graph.nodes[0].name', message: 'Duplicate name' },
      { path: 'graph.nodes[2]', message: 'Cycle' },
      { path: 'graph.settings.timezone', message: 'Unknown zone' },
    ]);
    expect(byNode).toEqual({
      erp: { fields: { url: ['Bad url'] }, count: 1 },
      hook: { fields: { $name: ['Duplicate name'] }, count: 1 },
      if: { fields: { '': ['Cycle'] }, count: 1 },
      '': { fields: { '': ['Unknown zone'] }, count: 1 },
    });
    expect(general).toEqual(['Unknown zone']);
  });

  it('merges the two without counting a message twice', () => {
    const a = { erp: { fields: { url: ['Bad url'] }, count: 1 } };
    const b = { erp: { fields: { url: ['Bad url', 'Other'] }, count: 2 }, if: { fields: { '': ['x'] }, count: 1 } };
    expect(mergeIssues(a, b)).toEqual({ erp: { fields: { url: ['Bad url', 'Other'] }, count: 2 }, if: { fields: { '': ['x'] }, count: 1 } });
  });

  it('says what is wrong with a field in plain words, in the reader\'s language, for the editor\'s check and the server\'s', async () => {
    const empty = { ...graph, nodes: [graph.nodes[0]!, { ...graph.nodes[1]!, params: { method: 'FETCH', timeoutSeconds: 0 } }], edges: [graph.edges[0]!] } as WorkflowGraph;
    const own = checkGraph(empty).byNode.erp!.fields;
    expect(own.url).toEqual(['Required']);
    expect(own.method).toEqual(['Must be one of: GET, POST, PUT, PATCH, DELETE, HEAD']);
    expect(own.timeoutSeconds).toEqual(['At least 1']);
    await i18n.changeLanguage('zh-TW');
    expect(checkGraph(empty).byNode.erp!.fields.url).toEqual(['必填']);
    // A server 400: the same wording after "Node …, field …:", and a problem the node as a whole has, with the server's specifics.
    const { byNode } = placeIssues(graph, [
      { code: 'invalid_params', path: 'graph.nodes[1].params.url', message: 'Node "Post to ERP", field url: Too small: expected string to have >=1 characters' },
      { code: 'duplicate_node_name', path: 'graph.nodes[1].name', message: 'Two nodes are named "Post to ERP"; give each node its own name' },
    ]);
    expect(byNode.erp!.fields.url).toEqual(['至少 1 個字元']);
    expect(byNode.erp!.fields.$name).toEqual(['有兩個節點名稱相同，請為每個節點取不同的名稱。（Two nodes are named "Post to ERP"; give each node its own name）']);
  });
});

afterEach(async () => {
  await i18n.changeLanguage('en');
});
