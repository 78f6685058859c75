import { afterEach, describe, expect, it } from 'vitest';
import { i18n } from '../i18n/index.ts';
import type { WorkflowGraph } from '@junction/nodes';
import { checkGraph, mergeIssues, placeIssues, savedProblems } from './validation.ts';

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

  it('asks for a choice not made yet instead of listing codes, and lists allowed choices by their labels', async () => {
    const conditions = { ...graph, nodes: [graph.nodes[0]!, { ...graph.nodes[2]!, params: { conditions: [{ left: 1, right: '' }, { left: 1, op: 'near' }] } }], edges: [] } as WorkflowGraph;
    let fields = checkGraph(conditions).byNode.if!.fields;
    expect(fields['conditions[0].op']).toEqual(['Choose a comparison']);
    expect(fields['conditions[1].op']![0]).toMatch(/^Must be one of: equals, does not equal, is greater than, .*matches the pattern$/);
    await i18n.changeLanguage('zh-TW');
    fields = checkGraph(conditions).byNode.if!.fields;
    expect(fields['conditions[0].op']).toEqual(['請選擇比較方式']);
    expect(fields['conditions[1].op']![0]).toMatch(/^必須是下列其中之一：等於、不等於、大於、/);
  });

  it('sums up a refused save in the reader\'s words: the node, the field\'s label, the problem, how many more', async () => {
    const conditions = { ...graph, nodes: [graph.nodes[0]!, graph.nodes[1]!, { ...graph.nodes[2]!, name: '條件判斷', params: { conditions: [{ left: 1 }] } }] } as WorkflowGraph;
    const issues = [
      { code: 'invalid_params', path: 'graph.nodes[2].params.conditions[0].op', message: 'Node "條件判斷", field conditions[0].op: Invalid option: expected one of "equals"|"notEquals"|"gt"' },
      { code: 'invalid_params', path: 'graph.nodes[1].params.url', message: 'Node "Post to ERP", field url: Invalid URL' },
      { code: 'unknown_port', path: 'graph.edges[1].sourcePort', message: '"Order received" has no output "nope" (its outputs: main)' },
    ];
    expect(savedProblems(conditions, issues)).toBe('“條件判斷”, Comparison: Choose a comparison (and 2 more problems)');
    expect(savedProblems(conditions, issues.slice(1, 2))).toBe('“Post to ERP”, URL: Enter a full web address, e.g. https://shop.example.com');
    await i18n.changeLanguage('zh-TW');
    const sentence = savedProblems(conditions, issues);
    expect(sentence).toBe('「條件判斷」的「比較方式」：請選擇比較方式（另有 2 個問題）');
    expect(sentence).not.toMatch(/Node|field|more/);
    expect(savedProblems(conditions, [{ code: 'duplicate_node_name', path: 'graph.nodes[1].name', message: 'Two nodes are named "Post to ERP"; give each node its own name' }])).toMatch(
      /^「Post to ERP」的「名稱」：有兩個節點名稱相同/,
    );
  });
});

afterEach(async () => {
  await i18n.changeLanguage('en');
});
