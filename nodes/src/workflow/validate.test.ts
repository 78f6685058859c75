import { describe, expect, it } from 'vitest';
import { catalogue } from '../index.ts';
import { LIMITS } from './schema.ts';
import { formatPath, validateWorkflow, type ValidationIssue } from './validate.ts';

type NodeInput = { id: string; type: string; name: string; params?: Record<string, unknown> };
type EdgeInput = { source: string; target: string; sourcePort?: string; targetPort?: string };

const start: NodeInput = { id: 'start', type: 'trigger.manual', name: 'Start' };
const noop = (id: string, name: string): NodeInput => ({ id, type: 'logic.noop', name });
const httpNode = (id: string, name: string, params: Record<string, unknown>): NodeInput => ({
  id,
  type: 'connector.http',
  name,
  params,
});

function issuesOf(document: unknown, sizeBytes?: number): ValidationIssue[] {
  const result = validateWorkflow(document, catalogue, sizeBytes);
  if (result.ok) throw new Error(`expected the workflow to be refused, but it passed`);
  return result.issues;
}

/** The issues as `code @ path`, the part every rule must get exactly right. */
function codesAt(document: unknown, sizeBytes?: number): string[] {
  return issuesOf(document, sizeBytes).map((issue) => `${issue.code} @ ${issue.path}`);
}

function workflow(nodes: NodeInput[], edges: EdgeInput[] = [], extra: Record<string, unknown> = {}) {
  return { nodes, edges, ...extra };
}

describe('validateWorkflow: valid graphs', () => {
  it('accepts the example from the design and applies the graph defaults', () => {
    const result = validateWorkflow(
      workflow(
        [
          { id: 'n1', type: 'trigger.webhook', name: 'Order received', params: { path: 'orders', method: 'POST' } },
          { id: 'n2', type: 'logic.if', name: 'Big order?', params: { conditions: [{ left: '{{ $json.total }}', op: 'gt', right: 1000 }] } },
          httpNode('n3', 'Create PO', { method: 'POST', url: 'https://erp.example.com/po', body: { sku: 'A' } }),
        ],
        [{ source: 'n1', target: 'n2' }, { source: 'n2', sourcePort: 'true', target: 'n3', targetPort: 'main' }],
      ),
      catalogue,
    );
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    expect(result.graph.schemaVersion).toBe(1);
    expect(result.graph.settings).toEqual({ timezone: '', timeoutSeconds: 3600 });
    expect(result.graph.edges[0]).toEqual({ source: 'n1', sourcePort: 'main', target: 'n2', targetPort: 'main' });
    expect(result.graph.nodes[1]).toMatchObject({ position: [0, 0], onError: 'stop' });
    expect(result.graph.nodes[2]!.params).toEqual({ method: 'POST', url: 'https://erp.example.com/po', body: { sku: 'A' } });
  });

  it('defaults a missing edge list to none and keeps given settings', () => {
    const result = validateWorkflow({ nodes: [start], settings: { timezone: 'Asia/Taipei', timeoutSeconds: 600 } }, catalogue);
    expect(result).toMatchObject({ ok: true, graph: { edges: [], settings: { timezone: 'Asia/Taipei', timeoutSeconds: 600 } } });
  });

  it('allows several triggers feeding the same node', () => {
    const doc = workflow(
      [start, { id: 'hook', type: 'trigger.webhook', name: 'Hook', params: { path: 'in' } }, noop('a', 'A')],
      [{ source: 'start', target: 'a' }, { source: 'hook', target: 'a' }],
    );
    expect(validateWorkflow(doc, catalogue).ok).toBe(true);
  });

  it('accepts a diamond (two branches meeting again), which is not a cycle', () => {
    const doc = workflow(
      [start, { id: 'if', type: 'logic.if', name: 'If', params: { conditions: [{ left: 1, op: 'exists' }] } }, noop('m', 'Merge')],
      [{ source: 'start', target: 'if' }, { source: 'if', sourcePort: 'true', target: 'm' }, { source: 'if', sourcePort: 'false', target: 'm' }],
    );
    expect(validateWorkflow(doc, catalogue).ok).toBe(true);
  });
});

describe('validateWorkflow: nodes', () => {
  it('refuses duplicate node ids, naming both nodes', () => {
    const issues = issuesOf(workflow([start, noop('a', 'First'), noop('a', 'Second')]));
    expect(issues).toEqual([{ code: 'duplicate_node_id', path: 'nodes[2].id', message: expect.stringContaining('"a"') }]);
    expect(issues[0]!.message).toContain('"First"');
    expect(issues[0]!.message).toContain('"Second"');
  });

  it('refuses duplicate names regardless of case and surrounding spaces', () => {
    const issues = issuesOf(workflow([start, noop('a', 'Send mail'), noop('b', ' SEND MAIL ')]));
    expect(issues).toEqual([{ code: 'duplicate_node_name', path: 'nodes[2].name', message: expect.stringContaining('"SEND MAIL"') }]);
  });

  it('refuses an unknown node type, naming the node', () => {
    const issues = issuesOf(workflow([start, { id: 'x', type: 'connector.fax', name: 'Fax it' }]));
    expect(issues).toEqual([{ code: 'unknown_node_type', path: 'nodes[1].type', message: expect.stringContaining('Node "Fax it"') }]);
    expect(issues[0]!.message).toContain('"connector.fax"');
  });

  it('reports schema errors of a node with its path and its display name', () => {
    const issues = issuesOf(workflow([start, { id: 'bad id!', type: 'logic.noop', name: 'Tidy up' }]));
    expect(issues).toEqual([{ code: 'invalid_value', path: 'nodes[1].id', message: expect.stringContaining('Node "Tidy up"') }]);
  });

  it('falls back to the id when the name itself is the problem', () => {
    const issues = issuesOf(workflow([start, { id: 'n7', type: 'logic.noop', name: '   ' }]));
    expect(issues).toEqual([{ code: 'invalid_value', path: 'nodes[1].name', message: expect.stringContaining('Node "n7"') }]);
  });

  it('refuses unknown keys on a node', () => {
    expect(codesAt(workflow([{ ...start, colour: 'red' } as NodeInput]))).toEqual(['invalid_value @ nodes[0]']);
  });
});

describe('validateWorkflow: edges', () => {
  it('refuses edges to and from nodes that are not in the workflow', () => {
    const doc = workflow([start, noop('a', 'A')], [{ source: 'start', target: 'ghost' }, { source: 'phantom', target: 'a' }]);
    const issues = issuesOf(doc);
    expect(issues.map((i) => `${i.code} @ ${i.path}`)).toEqual(['unknown_node @ edges[0].target', 'unknown_node @ edges[1].source']);
    expect(issues[0]!.message).toContain('"ghost"');
    expect(issues[1]!.message).toContain('"phantom"');
  });

  it('refuses an output port the source type does not declare', () => {
    const doc = workflow([start, noop('a', 'A')], [{ source: 'start', sourcePort: 'true', target: 'a' }]);
    const issues = issuesOf(doc);
    expect(issues).toEqual([{ code: 'unknown_port', path: 'edges[0].sourcePort', message: expect.stringContaining('"Start" has no output "true"') }]);
    expect(issues[0]!.message).toContain('its outputs: main');
  });

  it('refuses an input port the target type does not declare', () => {
    const doc = workflow([start, noop('a', 'A')], [{ source: 'start', target: 'a', targetPort: 'secondary' }]);
    expect(issuesOf(doc)).toEqual([
      { code: 'unknown_port', path: 'edges[0].targetPort', message: expect.stringContaining('"A" has no input "secondary"') },
    ]);
  });

  it('refuses a connection into a trigger', () => {
    const hook = { id: 'hook', type: 'trigger.webhook', name: 'Order hook', params: { path: 'orders' } };
    const doc = workflow([start, noop('a', 'A'), hook], [{ source: 'start', target: 'a' }, { source: 'a', target: 'hook' }]);
    expect(issuesOf(doc)).toEqual([
      { code: 'unknown_port', path: 'edges[1].targetPort', message: expect.stringContaining('"Order hook" is a trigger') },
    ]);
  });

  it('checks the ports of "if" by name', () => {
    const ifNode = { id: 'if', type: 'logic.if', name: 'Big order?', params: { conditions: [{ left: 1, op: 'exists' }] } };
    const ok = workflow([start, ifNode, noop('a', 'A')], [{ source: 'start', target: 'if' }, { source: 'if', sourcePort: 'false', target: 'a' }]);
    expect(validateWorkflow(ok, catalogue).ok).toBe(true);
    const bad = workflow([start, ifNode, noop('a', 'A')], [{ source: 'start', target: 'if' }, { source: 'if', target: 'a' }]);
    expect(issuesOf(bad)).toEqual([
      { code: 'unknown_port', path: 'edges[1].sourcePort', message: expect.stringContaining('its outputs: true, false') },
    ]);
  });

  it('refuses the same connection made twice', () => {
    const doc = workflow([start, noop('a', 'A')], [{ source: 'start', target: 'a' }, { source: 'start', target: 'a', sourcePort: 'main' }]);
    expect(codesAt(doc)).toEqual(['duplicate_edge @ edges[1]']);
  });

  it('refuses an edge whose fields are malformed', () => {
    const doc = workflow([start], [{ source: 'start', target: 'no spaces allowed' }]);
    expect(issuesOf(doc)).toEqual([{ code: 'invalid_value', path: 'edges[0].target', message: expect.stringContaining('may contain only letters') }]);
  });
});

describe('validateWorkflow: cycles', () => {
  it('refuses a node connected to itself', () => {
    const doc = workflow([start, noop('a', 'Again')], [{ source: 'start', target: 'a' }, { source: 'a', target: 'a' }]);
    const issues = issuesOf(doc);
    expect(issues).toEqual([{ code: 'cycle', path: 'edges[1]', message: expect.stringContaining('Node "Again" is connected to itself') }]);
  });

  it('refuses a longer cycle, pointing at its first node and naming the nodes in it', () => {
    const doc = workflow(
      [start, noop('a', 'A'), noop('b', 'B'), noop('c', 'C')],
      [{ source: 'start', target: 'a' }, { source: 'a', target: 'b' }, { source: 'b', target: 'c' }, { source: 'c', target: 'a' }],
    );
    const issues = issuesOf(doc);
    expect(issues).toEqual([{ code: 'cycle', path: 'nodes[1]', message: expect.stringContaining('"A", "B", "C"') }]);
  });

  it('names only the nodes on the circle, not those merely downstream of it', () => {
    const doc = workflow(
      [start, noop('a', 'A'), noop('b', 'B'), noop('after', 'After the loop')],
      [{ source: 'start', target: 'a' }, { source: 'a', target: 'b' }, { source: 'b', target: 'a' }, { source: 'b', target: 'after' }],
    );
    const [issue] = issuesOf(doc);
    expect(issue).toMatchObject({ code: 'cycle', path: 'nodes[1]' });
    expect(issue!.message).toContain('"A", "B"');
    expect(issue!.message).not.toContain('After the loop');
  });

  it('names only the circle at the top of a long chain, quickly', () => {
    const chain = Array.from({ length: LIMITS.nodes - 1 }, (_, i) => noop(`c${i}`, `Chain ${i}`));
    const edges = [{ source: 'c1', target: 'c0' }, ...chain.slice(1).map((n, i) => ({ source: `c${i}`, target: n.id }))];
    const started = performance.now();
    const [issue] = issuesOf(workflow([start, ...chain], edges));
    expect(performance.now() - started).toBeLessThan(2000);
    expect(issue).toMatchObject({ code: 'cycle', path: 'nodes[1]' });
    expect(issue!.message).toMatch(/between "Chain 0", "Chain 1" go round/);
  });

  it('finds a cycle that no trigger reaches', () => {
    const doc = workflow([noop('a', 'A'), start, noop('b', 'B')], [{ source: 'a', target: 'b' }, { source: 'b', target: 'a' }]);
    expect(codesAt(doc)).toEqual(['cycle @ nodes[0]']);
  });
});

describe('validateWorkflow: triggers', () => {
  it('requires a trigger', () => {
    const issues = issuesOf(workflow([noop('a', 'A'), noop('b', 'B')], [{ source: 'a', target: 'b' }]));
    expect(issues).toEqual([{ code: 'no_trigger', path: 'nodes', message: expect.stringContaining('needs a trigger') }]);
  });

  it('does not ask for a trigger on an empty workflow', () => {
    expect(validateWorkflow(workflow([]), catalogue).ok).toBe(true);
  });

  it('refuses two webhooks on the same method and path, even written differently', () => {
    const doc = workflow([
      { id: 'h1', type: 'trigger.webhook', name: 'Orders A', params: { path: 'orders' } },
      { id: 'h2', type: 'trigger.webhook', name: 'Orders GET', params: { path: 'orders', method: 'GET' } },
      { id: 'h3', type: 'trigger.webhook', name: 'Orders B', params: { path: '/orders/', method: 'POST' } },
    ]);
    const issues = issuesOf(doc);
    expect(issues).toEqual([{ code: 'duplicate_webhook', path: 'nodes[2].params.path', message: expect.stringContaining('POST /hooks/orders') }]);
    expect(issues[0]!.message).toMatch(/"Orders A".*"Orders B"/);
  });

  it('points a duplicate webhook at its own node even when ids clash', () => {
    const doc = workflow([
      { id: 'h', type: 'trigger.webhook', name: 'Orders A', params: { path: 'orders' } },
      { id: 'h', type: 'trigger.webhook', name: 'Orders B', params: { path: 'orders' } },
    ]);
    expect(codesAt(doc)).toEqual(['duplicate_node_id @ nodes[1].id', 'duplicate_webhook @ nodes[1].params.path']);
  });
});

describe('validateWorkflow: params', () => {
  const inWorkflow = (node: NodeInput) => workflow([start, node], [{ source: 'start', target: node.id }]);

  it('refuses an HTTP node without a url, naming node and field', () => {
    const issues = issuesOf(inWorkflow(httpNode('h', 'Call ERP', {})));
    expect(issues).toEqual([{ code: 'invalid_params', path: 'nodes[1].params.url', message: expect.stringMatching(/^Node "Call ERP", field url: /) }]);
  });

  it.each(['ftp://erp.example.com/x', 'erp.example.com/x', 'javascript:alert(1)'])('refuses the url %s', (url) => {
    const issues = issuesOf(inWorkflow(httpNode('h', 'Call ERP', { url })));
    expect(issues).toEqual([
      {
        code: 'invalid_params',
        path: 'nodes[1].params.url',
        message: 'Node "Call ERP", field url: Give a full address starting with http:// or https://',
        i18n: { key: 'connector.http.fullAddress', params: {} },
      },
    ]);
  });

  it('carries the values of a node message with its key, and none on zod\'s own checks', () => {
    const bad = issuesOf(inWorkflow(httpNode('h', 'Call ERP', { url: 'https://erp.example:70000/x', method: 'GET', timeoutSeconds: 0 })));
    expect(bad).toEqual([
      {
        code: 'invalid_params',
        path: 'nodes[1].params.url',
        message: 'Node "Call ERP", field url: The port 70000 does not exist: ports go from 1 to 65535',
        i18n: { key: 'connector.http.noSuchPort', params: { port: '70000' } },
      },
      { code: 'invalid_params', path: 'nodes[1].params.timeoutSeconds', message: expect.stringContaining('Too small') },
    ]);
    const body = issuesOf(inWorkflow(httpNode('h', 'Call ERP', { url: 'https://erp.example/x', method: 'HEAD', body: 'x' })));
    expect(body).toEqual([
      {
        code: 'invalid_params',
        path: 'nodes[1].params.body',
        message: 'Node "Call ERP", field body: A HEAD request cannot have a body',
        i18n: { key: 'connector.http.bodyNotAllowed', params: { method: 'HEAD' } },
      },
    ]);
  });

  it('collects every bad field of a node', () => {
    const params = { url: 'https://x.example', method: 'GET', body: { a: 1 }, timeoutSeconds: 0, colour: 'red' };
    expect(codesAt(inWorkflow(httpNode('h', 'Call ERP', params)))).toEqual(
      expect.arrayContaining(['invalid_params @ nodes[1].params', 'invalid_params @ nodes[1].params.timeoutSeconds']),
    );
    const bodyOnly = codesAt(inWorkflow(httpNode('h', 'Call ERP', { url: 'https://x.example', body: 'x' })));
    expect(bodyOnly).toEqual(['invalid_params @ nodes[1].params.body']);
  });

  it('refuses "if" without conditions', () => {
    const issues = issuesOf(inWorkflow({ id: 'i', type: 'logic.if', name: 'Big order?', params: { conditions: [] } }));
    expect(issues).toEqual([
      {
        code: 'invalid_params',
        path: 'nodes[1].params.conditions',
        message: 'Node "Big order?", field conditions: Add at least one condition',
        i18n: { key: 'logic.if.oneCondition', params: {} },
      },
    ]);
  });

  it('refuses an invalid regular expression but accepts one computed by an expression', () => {
    const node = (right: string): NodeInput => ({ id: 'i', type: 'logic.if', name: 'Sku?', params: { conditions: [{ left: 'a', op: 'exists' }, { left: 'a', op: 'matches', right }] } });
    const issues = issuesOf(inWorkflow(node('([a-z]')));
    expect(issues).toEqual([
      {
        code: 'invalid_params',
        path: 'nodes[1].params.conditions[1].right',
        message: expect.stringContaining('Not a valid regular expression: '),
        i18n: { key: 'logic.if.notARegex', params: { reason: expect.stringMatching(/./) } },
      },
    ]);
    expect(validateWorkflow(inWorkflow(node('{{ $vars.pattern }}')), catalogue).ok).toBe(true);
  });

  it('accepts expressions where the schema wants a number, an enum, a url or a list', () => {
    const params = { method: '{{ $json.method }}', url: '{{ $json.url }}', timeoutSeconds: '{{ $vars.timeout }}', headers: '{{ $json.headers }}' };
    expect(validateWorkflow(inWorkflow(httpNode('h', 'Call ERP', params)), catalogue).ok).toBe(true);
    const partial = { url: 'https://{{ $json.host }}/api' };
    expect(validateWorkflow(inWorkflow(httpNode('h', 'Call ERP', partial)), catalogue).ok).toBe(true);
  });

  it('still refuses a plain string where a number is wanted', () => {
    expect(codesAt(inWorkflow(httpNode('h', 'Call ERP', { url: 'https://x.example', timeoutSeconds: 'thirty' })))).toEqual([
      'invalid_params @ nodes[1].params.timeoutSeconds',
    ]);
  });

  it('quotes keys that are not identifiers in paths', () => {
    expect(formatPath(['nodes', 0, 'params', 'x-y', 2, 'ok'])).toBe('nodes[0].params["x-y"][2].ok');
    expect(formatPath([])).toBe('');
  });
});

describe('validateWorkflow: limits and hostile documents', () => {
  it('refuses a document larger than the limit before reading it', () => {
    const issues = issuesOf({ not: 'even a workflow' }, LIMITS.documentBytes + 1);
    expect(issues).toEqual([{ code: 'document_too_large', path: '', message: expect.stringContaining(String(LIMITS.documentBytes)) }]);
    expect(validateWorkflow(workflow([start]), catalogue, LIMITS.documentBytes).ok).toBe(true);
  });

  it('refuses too many nodes', () => {
    const nodes = [start, ...Array.from({ length: LIMITS.nodes }, (_, i) => noop(`n${i}`, `Step ${i}`))];
    const issues = issuesOf(workflow(nodes));
    expect(issues).toEqual([{ code: 'invalid_value', path: 'nodes', message: expect.stringContaining(`at most ${LIMITS.nodes} nodes`) }]);
  });

  it.each([
    ['at the top', '{"nodes":[],"__proto__":{"polluted":true}}', '__proto__'],
    ['in a node', '{"nodes":[{"id":"a","type":"trigger.manual","name":"A","__proto__":{}}]}', 'nodes[0].__proto__'],
    ['deep in params', '{"nodes":[{"id":"a","type":"logic.noop","name":"A","params":{"body":{"x":[{"__proto__":1}]}}}]}', 'nodes[0].params.body.x[0].__proto__'],
    ['in an edge', '{"nodes":[],"edges":[{"source":"a","target":"b","__proto__":{}}]}', 'edges[0].__proto__'],
  ])('refuses a __proto__ key %s', (_, text, path) => {
    const document: unknown = JSON.parse(text);
    expect(issuesOf(document)).toEqual([{ code: 'forbidden_key', path, message: expect.stringContaining('"__proto__"') }]);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  function nested(levels: number): Record<string, unknown> {
    let value: Record<string, unknown> = {};
    for (let i = 1; i < levels; i++) value = { a: value };
    return value;
  }

  it('refuses nesting deeper than 64 levels and accepts 64', () => {
    // nodes[1].params.body is 4 keys deep, so the innermost of 61 nested objects is 64 keys deep.
    const withBody = (body: unknown) => workflow([start, httpNode('h', 'Call ERP', { url: 'https://x.example', method: 'POST', body })]);
    expect(validateWorkflow(withBody(nested(61)), catalogue).ok).toBe(true);
    expect(codesAt(withBody(nested(62)))).toEqual([`too_deep @ nodes[1].params.body${'.a'.repeat(61)}`]);
  });

  it('survives absurd nesting without overflowing the stack', () => {
    let value: unknown = [];
    for (let i = 0; i < 100_000; i++) value = [value];
    expect(codesAt({ nodes: value })[0]).toMatch(/^too_deep @ nodes(\[0\]){64}$/);
  });

  it('refuses an unknown time zone', () => {
    const issues = issuesOf(workflow([start], [], { settings: { timezone: 'Mars/Olympus_Mons' } }));
    expect(issues).toEqual([{ code: 'invalid_value', path: 'settings.timezone', message: expect.stringContaining('Not a known time zone') }]);
  });

  it('refuses a document that is not a workflow at all', () => {
    expect(codesAt(null)).toEqual(['invalid_value @ ']);
    expect(codesAt({ nodes: 'none' })).toEqual(['invalid_value @ nodes']);
    expect(codesAt({ nodes: [], schemaVersion: 2 })).toEqual(['invalid_value @ schemaVersion']);
  });
});
