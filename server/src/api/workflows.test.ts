import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startHarness, type Harness } from '../testing/harness.ts';

let h: Harness;

beforeAll(async () => {
  h = await startHarness();
});

afterAll(async () => {
  await h?.close();
});

const manual = { id: 't', type: 'trigger.manual', name: 'Start' };
const edge = (source: string, target: string, sourcePort = 'main') => ({ source, sourcePort, target, targetPort: 'main' });
const noop = (id: string, name = `Noop ${id}`) => ({ id, type: 'logic.noop', name });
const webhook = (path: string, extra: Record<string, unknown> = {}) => ({
  nodes: [{ id: 'hook', type: 'trigger.webhook', name: 'Hook', params: { path, ...extra } }],
  edges: [],
});

/** POSTs a workflow and expects a 400; returns the error object. */
async function rejected(graph: unknown, name = 'Bad') {
  const response = await h.call('POST', '/api/workflows', { name, graph });
  expect(response.status).toBe(400);
  return response.body.error;
}

describe('POST /api/workflows', () => {
  it('creates version 1, inactive, with the graph defaults applied', async () => {
    const response = await h.call('POST', '/api/workflows', { name: '  Orders  ', graph: { nodes: [manual, noop('n')], edges: [edge('t', 'n')] } });
    expect(response.status).toBe(201);
    const body = response.body;
    expect(body).toMatchObject({ name: 'Orders', active: false, version: 1 });
    expect(body.id).toMatch(/^[0-9a-f-]{36}$/);
    expect(body.versionId).toMatch(/^[0-9a-f-]{36}$/);
    expect(body.graph).toEqual({
      schemaVersion: 1,
      nodes: [
        { id: 't', type: 'trigger.manual', name: 'Start', params: {}, position: [0, 0], onError: 'stop' },
        { id: 'n', type: 'logic.noop', name: 'Noop n', params: {}, position: [0, 0], onError: 'stop' },
      ],
      edges: [{ source: 't', sourcePort: 'main', target: 'n', targetPort: 'main' }],
      stickyNotes: [],
      settings: { timezone: '', timeoutSeconds: 3600 },
    });
    const fetched = await h.call('GET', `/api/workflows/${body.id}`);
    expect(fetched.status).toBe(200);
    expect(fetched.body).toEqual(body);
  });

  it("refuses sandbox settings above the server's maxima, naming the setting and the variable that sets it", async () => {
    const error = await rejected({ nodes: [manual], edges: [], settings: { codeTimeoutMs: 120_000, memoryMb: 1024 } });
    expect(error.issues).toEqual([
      { code: 'above_server_limit', path: 'graph.settings.codeTimeoutMs', message: expect.stringContaining('at most 60000 ms') },
      { code: 'above_server_limit', path: 'graph.settings.memoryMb', message: expect.stringContaining('JUNCTION_SANDBOX_MEMORY_MAX_MB') },
    ]);
    const within = await h.call('POST', '/api/workflows', { name: 'Within', graph: { nodes: [manual], edges: [], settings: { codeTimeoutMs: 60_000, memoryMb: 512 } } });
    expect(within.status).toBe(201);
    const raised = await h.call('PUT', `/api/workflows/${within.body.id}`, { graph: { nodes: [manual], edges: [], settings: { expressionTimeoutMs: 6000 } } });
    expect(raised.status).toBe(400);
    expect(raised.body.error.path).toBe('graph.settings.expressionTimeoutMs');
  });

  it('refuses text that cannot be stored (NUL, half a surrogate pair) with a 400, in bodies and queries', async () => {
    for (const body of ['{"name":"Or\\u0000ders","graph":{"nodes":[]}}', '{"name":"Orders \\ud83d","graph":{"nodes":[]}}']) {
      const response = await h.call('POST', '/api/workflows', body);
      expect(response.status).toBe(400);
      expect(response.body.error.code).toBe('unstorable_text');
    }
    // An emoji escaped as a valid pair is fine.
    expect((await h.call('POST', '/api/workflows', '{"name":"Orders \\ud83d\\ude00","graph":{"nodes":[]}}')).body.name).toBe('Orders 😀');
    const search = await h.call('GET', '/api/workflows?search=%00');
    expect(search.status).toBe(400);
    expect(search.body.error.path).toBe('query.search');
    expect((await h.call('POST', '/api/variables', '{"key":"K","value":"a\\u0000"}')).status).toBe(400);
    expect((await h.call('POST', '/api/auth/sign-in', '{"email":"a\\u0000@b.c","password":"x"}')).status).toBe(400);
  });

  it('rejects an unknown node type at its path', async () => {
    const error = await rejected({ nodes: [manual, { id: 'x', type: 'nope.never', name: 'X' }], edges: [] });
    expect(error).toMatchObject({ code: 'unknown_node_type', path: 'graph.nodes[1].type' });
    expect(error.message).toContain('nope.never');
    expect(error.issues).toEqual([{ code: 'unknown_node_type', message: error.message, path: 'graph.nodes[1].type' }]);
  });

  it('rejects an edge to a node that does not exist', async () => {
    const error = await rejected({ nodes: [manual], edges: [edge('t', 'ghost')] });
    expect(error).toMatchObject({ code: 'unknown_node', path: 'graph.edges[0].target' });
    expect(error.message).toContain('ghost');
  });

  it('rejects cycles, including a node connected to itself', async () => {
    const circle = await rejected({ nodes: [manual, noop('a'), noop('b')], edges: [edge('t', 'a'), edge('a', 'b'), edge('b', 'a')] });
    expect(circle).toMatchObject({ code: 'cycle', path: 'graph.nodes[1]' });
    const self = await rejected({ nodes: [manual, noop('a')], edges: [edge('t', 'a'), edge('a', 'a')] });
    expect(self).toMatchObject({ code: 'cycle', path: 'graph.edges[1]' });
  });

  it('rejects duplicate node ids', async () => {
    const error = await rejected({ nodes: [manual, noop('a', 'One'), noop('a', 'Two')], edges: [] });
    expect(error).toMatchObject({ code: 'duplicate_node_id', path: 'graph.nodes[2].id' });
  });

  it('rejects params that do not fit the node type, naming the field', async () => {
    const error = await rejected({ nodes: [manual, { id: 'h', type: 'connector.http', name: 'Call', params: { url: 'ftp://x' } }], edges: [edge('t', 'h')] });
    expect(error).toMatchObject({ code: 'invalid_params', path: 'graph.nodes[1].params.url' });
    expect(error.message).toBe('Node "Call", field url: Give a full address starting with http:// or https://');
    // The node's own message, by key, for a reader in another language.
    expect(error.issues).toEqual([
      { code: 'invalid_params', path: 'graph.nodes[1].params.url', message: error.message, i18n: { key: 'connector.http.fullAddress', params: {} } },
    ]);
  });

  it('lists every problem in issues, the first one in code/message/path', async () => {
    const error = await rejected({ nodes: [manual, { id: 'x', type: 'nope', name: 'X' }], edges: [edge('t', 'ghost')] });
    expect(error.issues.map((i: any) => i.path)).toEqual(['graph.nodes[1].type', 'graph.edges[0].target']);
    expect(error.message).toMatch(/\(and 1 more problem\)$/);
  });

  it('refuses a "__proto__" key sent as an own key of the JSON', async () => {
    const text = `{"name":"Proto","graph":{"nodes":[{"id":"t","type":"trigger.manual","name":"Start","params":{"__proto__":{"polluted":true}}}],"edges":[]}}`;
    const response = await h.call('POST', '/api/workflows', text);
    expect(response.status).toBe(400);
    expect(response.body.error).toMatchObject({ code: 'forbidden_key', path: 'graph.nodes[0].params.__proto__' });
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  it('refuses a field it does not know, naming it, and says where graph fields belong', async () => {
    const graph = { nodes: [manual], edges: [] };
    const settings = await h.call('POST', '/api/workflows', { name: 'Settings', graph, settings: { timeoutSeconds: 60 } });
    expect(settings.status).toBe(400);
    expect(settings.body.error).toMatchObject({ code: 'invalid_request', path: 'settings', message: 'The request body is not valid: settings: settings belongs in graph.settings, not beside the graph' });
    const nodes = await h.call('POST', '/api/workflows', { name: 'Flat', nodes: [manual], edges: [] });
    expect(nodes.status).toBe(400);
    expect(nodes.body.error.issues.map((issue: { path: string }) => issue.path)).toEqual(['nodes', 'edges']);
    expect(nodes.body.error.issues.find((issue: { path: string }) => issue.path === 'edges').message).toBe('edges: edges belongs in graph.edges, not beside the graph');
    const typo = await h.call('POST', '/api/workflows', { name: 'Typo', graph, descripton: 'x' });
    expect(typo.status).toBe(400);
    expect(typo.body.error).toMatchObject({ path: 'descripton' });
    expect(typo.body.error.message).toContain('descripton: not a field of a workflow');
    const exported = await h.call('POST', '/api/workflows', { format: 'junction.workflow', formatVersion: 1, name: 'Exported', graph });
    expect(exported.status).toBe(400);
    expect(exported.body.error.message).toContain('import it with POST /api/workflows/import');

    const created = await h.call('POST', '/api/workflows', { name: 'Kept', graph });
    const put = await h.call('PUT', `/api/workflows/${created.body.id}`, { settings: { timeoutSeconds: 60 } });
    expect(put.status).toBe(400);
    expect(put.body.error).toMatchObject({ path: 'settings' });
    expect((await h.call('GET', `/api/workflows/${created.body.id}`)).body.version).toBe(1);
  });

  it('needs a name', async () => {
    for (const body of [{ graph: { nodes: [manual] } }, { name: '   ', graph: { nodes: [manual] } }]) {
      const response = await h.call('POST', '/api/workflows', body);
      expect(response.status).toBe(400);
      expect(response.body.error).toMatchObject({ code: 'invalid_request', path: 'name' });
    }
  });

  it('refuses a graph document over 4 MB', async () => {
    const big = 'x'.repeat(4.5 * 1024 * 1024);
    const node = { id: 'f', type: 'transform.fields', name: 'Big', params: { operations: [{ op: 'set', field: 'blob', value: big }] } };
    const error = await rejected({ nodes: [manual, node], edges: [edge('t', 'f')] });
    expect(error).toMatchObject({ code: 'document_too_large', path: 'graph' });
  });

  it('answers malformed JSON with invalid_json', async () => {
    const response = await h.call('POST', '/api/workflows', '{"name": "x", "graph": ');
    expect(response.status).toBe(400);
    expect(response.body.error.code).toBe('invalid_json');
  });

  it('answers a body that is not JSON with 415', async () => {
    const body = JSON.stringify({ name: 'x', graph: { nodes: [manual] } });
    for (const headers of [{}, { 'content-type': 'text/plain' }] as Record<string, string>[]) {
      const response = await h.app.request('/api/workflows', { method: 'POST', headers: { ...headers, authorization: `Bearer ${h.owner.key}` }, body });
      expect(response.status).toBe(415);
      expect((await response.json()).error.code).toBe('unsupported_media_type');
    }
  });
});

describe('GET /api/workflows', () => {
  it('answers 404 for an unknown id and 400 for an id that is not one', async () => {
    const missing = await h.call('GET', '/api/workflows/00000000-0000-4000-8000-000000000000');
    expect(missing.status).toBe(404);
    expect(missing.body.error.code).toBe('not_found');
    const bad = await h.call('GET', '/api/workflows/not-a-uuid');
    expect(bad.status).toBe(400);
    expect(bad.body.error).toMatchObject({ code: 'invalid_request', path: 'id' });
  });

  it('searches by name and pages with a cursor, each workflow once', async () => {
    const created: string[] = [];
    for (let i = 0; i < 5; i++) created.push(await h.createWorkflow({ nodes: [manual] }, `Paging 50%_${i}`));
    // Matches only if "%" and "_" were taken as LIKE wildcards.
    await h.createWorkflow({ nodes: [manual] }, 'Paging 50 other');
    const seen: string[] = [];
    const changed: string[] = [];
    const sizes: number[] = [];
    let cursor: string | null = null;
    do {
      const query: string = `search=${encodeURIComponent('50%_')}&limit=2${cursor ? `&cursor=${cursor}` : ''}`;
      const page = await h.call('GET', `/api/workflows?${query}`);
      expect(page.status).toBe(200);
      sizes.push(page.body.workflows.length);
      seen.push(...page.body.workflows.map((w: any) => w.id));
      changed.push(...page.body.workflows.map((w: any) => w.updatedAt));
      cursor = page.body.nextCursor;
    } while (cursor);
    expect(sizes).toEqual([2, 2, 1]);
    expect(new Set(seen).size).toBe(5);
    expect([...seen].sort()).toEqual([...created].sort());
    // Most recently changed first.
    expect(changed).toEqual([...changed].sort().reverse());
  });

  it('says which triggers each workflow starts with, in its current version', async () => {
    const called = await h.createWorkflow({ nodes: [{ id: 's', type: 'trigger.subflow', name: 'Called' }] }, 'Triggers: called');
    const both = await h.createWorkflow(
      {
        nodes: [
          manual,
          { id: 'e', type: 'trigger.error', name: 'On failure' },
          { id: 'm2', type: 'trigger.manual', name: 'Start again' },
          { id: 'n', type: 'logic.noop', name: 'Nothing' },
        ],
        edges: [{ source: manual.id, target: 'n' }],
      },
      'Triggers: both',
    );
    const triggersOf = async () => {
      const page = await h.call('GET', `/api/workflows?search=${encodeURIComponent('Triggers: ')}`);
      return Object.fromEntries(page.body.workflows.map((w: any) => [w.id, w.triggers]));
    };
    expect(await triggersOf()).toEqual({ [called]: ['trigger.subflow'], [both]: ['trigger.error', 'trigger.manual'] });
    // A new version that starts differently is what the list says.
    expect((await h.call('PUT', `/api/workflows/${called}`, { graph: { nodes: [manual] } })).status).toBe(200);
    expect((await triggersOf())[called]).toEqual(['trigger.manual']);
  });

  it('refuses a cursor it did not give out', async () => {
    const response = await h.call('GET', '/api/workflows?cursor=bm9wZQ');
    expect(response.status).toBe(400);
    expect(response.body.error).toMatchObject({ code: 'invalid_cursor', path: 'cursor' });
  });
});

describe('PUT /api/workflows/:id and versions', () => {
  it('renames without a new version', async () => {
    const id = await h.createWorkflow({ nodes: [manual] }, 'Before');
    const before = await h.call('GET', `/api/workflows/${id}`);
    const response = await h.call('PUT', `/api/workflows/${id}`, { name: 'After' });
    expect(response.status).toBe(200);
    expect(response.body).toMatchObject({ name: 'After', version: 1, versionId: before.body.versionId });
    expect((await h.call('GET', `/api/workflows/${id}/versions`)).body.versions.map((v: any) => v.version)).toEqual([1]);
  });

  it('saves a new graph as version 2 and keeps version 1 unchanged', async () => {
    const first = { nodes: [manual], edges: [] };
    const created = await h.call('POST', '/api/workflows', { name: 'Versioned', graph: first });
    const id = created.body.id;
    const second = { nodes: [manual, noop('n', 'Added')], edges: [edge('t', 'n')] };
    const updated = await h.call('PUT', `/api/workflows/${id}`, { graph: second });
    expect(updated.status).toBe(200);
    expect(updated.body).toMatchObject({ name: 'Versioned', version: 2 });
    expect(updated.body.versionId).not.toBe(created.body.versionId);
    expect(updated.body.graph.nodes.map((n: any) => n.name)).toEqual(['Start', 'Added']);

    const versions = await h.call('GET', `/api/workflows/${id}/versions`);
    expect(versions.body.versions.map((v: any) => v.version)).toEqual([2, 1]);
    expect(versions.body.versions[1].id).toBe(created.body.versionId);

    const old = await h.call('GET', `/api/workflows/${id}/versions/1`);
    expect(old.status).toBe(200);
    expect(old.body).toMatchObject({ id: created.body.versionId, version: 1 });
    expect(old.body.graph).toEqual(created.body.graph);

    expect((await h.call('GET', `/api/workflows/${id}/versions/3`)).status).toBe(404);
    expect((await h.call('GET', `/api/workflows/${id}/versions/0`)).status).toBe(400);
    expect((await h.call('GET', `/api/workflows/${id}/versions/9007199254740991`)).status).toBe(400);
  });

  it('validates the new graph and saves nothing when it is invalid', async () => {
    const id = await h.createWorkflow({ nodes: [manual] });
    const response = await h.call('PUT', `/api/workflows/${id}`, { graph: { nodes: [manual, noop('t')] } });
    expect(response.status).toBe(400);
    expect(response.body.error).toMatchObject({ code: 'duplicate_node_id', path: 'graph.nodes[1].id' });
    expect((await h.call('GET', `/api/workflows/${id}`)).body.version).toBe(1);
  });

  it('answers 404 for an unknown workflow', async () => {
    const response = await h.call('PUT', '/api/workflows/00000000-0000-4000-8000-000000000000', { name: 'x' });
    expect(response.status).toBe(404);
  });
});

describe('DELETE /api/workflows/:id', () => {
  it('deletes the workflow but keeps its runs readable', async () => {
    const id = await h.createWorkflow({ nodes: [manual] });
    const started = await h.call('POST', `/api/workflows/${id}/run`, { a: 1 });
    const run = await h.waitForRun(started.body.runId);
    expect(run.status).toBe('succeeded');

    const deleted = await h.call('DELETE', `/api/workflows/${id}`);
    expect(deleted.status).toBe(204);
    expect((await h.call('GET', `/api/workflows/${id}`)).status).toBe(404);
    expect((await h.call('DELETE', `/api/workflows/${id}`)).status).toBe(404);
    expect((await h.call('POST', `/api/workflows/${id}/run`, {})).status).toBe(404);
    const list = await h.call('GET', '/api/workflows?limit=500');
    expect(list.body.workflows.map((w: any) => w.id)).not.toContain(id);

    const kept = await h.call('GET', `/api/runs/${run.id}`);
    expect(kept.status).toBe(200);
    expect(kept.body).toMatchObject({ id: run.id, workflowId: id, status: 'succeeded', input: [{ json: { a: 1 } }] });
  });
});

describe('activate / deactivate and webhooks', () => {
  it('switches a workflow on and off; its webhook answers only while on', async () => {
    const id = await h.createWorkflow(webhook('switch'));
    expect((await h.call('POST', '/hooks/switch', {})).status).toBe(404);
    const on = await h.call('POST', `/api/workflows/${id}/activate`);
    expect(on.status).toBe(200);
    expect(on.body).toMatchObject({ id, active: true, version: 1 });
    expect((await h.call('POST', '/hooks/switch', {})).status).toBe(202);
    const off = await h.call('POST', `/api/workflows/${id}/deactivate`);
    expect(off.status).toBe(200);
    expect(off.body.active).toBe(false);
    expect((await h.call('POST', '/hooks/switch', {})).status).toBe(404);
  });

  it('refuses a second active workflow on the same webhook path', async () => {
    const a = await h.createWorkflow(webhook('shared'), 'A');
    const b = await h.createWorkflow(webhook('/shared/'), 'B');
    expect((await h.call('POST', `/api/workflows/${a}/activate`)).status).toBe(200);
    const conflict = await h.call('POST', `/api/workflows/${b}/activate`);
    expect(conflict.status).toBe(409);
    expect(conflict.body.error.code).toBe('webhook_conflict');
    expect(conflict.body.error.message).toContain('POST /hooks/shared');
    expect((await h.call('GET', `/api/workflows/${b}`)).body.active).toBe(false);
    // A GET on the same path is a different webhook.
    const c = await h.createWorkflow(webhook('shared', { method: 'GET' }), 'C');
    expect((await h.call('POST', `/api/workflows/${c}/activate`)).status).toBe(200);
  });

  it('takes paths differing only in case for the same path: one workflow holds it, and senders reach it in any case', async () => {
    const a = await h.createWorkflow(webhook('Orders/New'), 'A');
    const b = await h.createWorkflow(webhook('orders/new'), 'B');
    expect((await h.call('POST', `/api/workflows/${a}/activate`)).status).toBe(200);
    const conflict = await h.call('POST', `/api/workflows/${b}/activate`);
    expect(conflict.status).toBe(409);
    expect(conflict.body.error.code).toBe('webhook_conflict');
    expect((await h.call('GET', `/api/workflows/${b}`)).body.active).toBe(false);
    // Saving an active workflow onto the path in another case is refused as well.
    const c = await h.createWorkflow(webhook('elsewhere'), 'C');
    expect((await h.call('POST', `/api/workflows/${c}/activate`)).status).toBe(200);
    expect((await h.call('PUT', `/api/workflows/${c}`, { graph: webhook('ORDERS/NEW') })).status).toBe(409);

    for (const path of ['Orders/New', 'orders/new', 'ORDERS/new']) {
      const hit = await h.call('POST', `/hooks/${path}`, { n: 1 });
      expect(hit.status, path).toBe(202);
      expect((await h.call('GET', `/api/runs/${hit.body.runId}`)).body.workflowId).toBe(a);
    }
    // Within one graph too.
    const twice = await rejected({ nodes: [webhook('Shop').nodes[0], { ...webhook('shop').nodes[0], id: 'hook2', name: 'Hook 2' }], edges: [] });
    expect(twice.code).toBe('duplicate_webhook');
  });

  it('moves an active workflow’s webhook to the path of its new version', async () => {
    const id = await h.createWorkflow(webhook('old-path'));
    await h.call('POST', `/api/workflows/${id}/activate`);
    const updated = await h.call('PUT', `/api/workflows/${id}`, { graph: webhook('new-path') });
    expect(updated.status).toBe(200);
    expect(updated.body).toMatchObject({ active: true, version: 2 });
    expect((await h.call('POST', '/hooks/old-path', {})).status).toBe(404);
    const hit = await h.call('POST', '/hooks/new-path', { n: 1 });
    expect(hit.status).toBe(202);
    const run = await h.waitForRun(hit.body.runId);
    expect(run.versionId).toBe(updated.body.versionId);
  });

  it('keeps the old version when the new one would take another workflow’s path', async () => {
    const holder = await h.createWorkflow(webhook('taken'));
    await h.call('POST', `/api/workflows/${holder}/activate`);
    const id = await h.createWorkflow(webhook('mine'));
    await h.call('POST', `/api/workflows/${id}/activate`);
    const response = await h.call('PUT', `/api/workflows/${id}`, { graph: webhook('taken') });
    expect(response.status).toBe(409);
    expect(response.body.error.code).toBe('webhook_conflict');
    const after = await h.call('GET', `/api/workflows/${id}`);
    expect(after.body.version).toBe(1);
    expect((await h.call('GET', `/api/workflows/${id}/versions`)).body.versions).toHaveLength(1);
    expect((await h.call('POST', '/hooks/mine', {})).status).toBe(202);
  });
});

describe('POST /api/workflows/:id/run', () => {
  let id: string;
  beforeAll(async () => {
    id = await h.createWorkflow({ nodes: [manual, noop('n')], edges: [edge('t', 'n')] });
  });

  const inputOf = async (response: { status: number; body: any }) => {
    expect(response.status).toBe(202);
    expect(Object.keys(response.body)).toEqual(['runId']);
    return (await h.waitForRun(response.body.runId)).input;
  };

  it('makes one item of an object, one item per element of a list, and one empty item of no body', async () => {
    expect(await inputOf(await h.call('POST', `/api/workflows/${id}/run`, { sku: 'A1' }))).toEqual([{ json: { sku: 'A1' } }]);
    expect(await inputOf(await h.call('POST', `/api/workflows/${id}/run`, [{ n: 1 }, { n: 2 }, { n: 3 }]))).toEqual([
      { json: { n: 1 } },
      { json: { n: 2 } },
      { json: { n: 3 } },
    ]);
    expect(await inputOf(await h.call('POST', `/api/workflows/${id}/run`))).toEqual([{ json: {} }]);
  });

  it('works without a content-type header', async () => {
    const response = await h.app.request(`/api/workflows/${id}/run`, { method: 'POST', headers: { authorization: `Bearer ${h.owner.key}` }, body: '{"plain":true}' });
    expect(await inputOf({ status: response.status, body: await response.json() })).toEqual([{ json: { plain: true } }]);
  });

  it('refuses invalid JSON, a list of non-objects and an unknown trigger', async () => {
    const badJson = await h.call('POST', `/api/workflows/${id}/run`, '{"a":');
    expect(badJson.status).toBe(400);
    expect(badJson.body.error.code).toBe('invalid_json');
    const badItem = await h.call('POST', `/api/workflows/${id}/run`, [{ ok: 1 }, 'no']);
    expect(badItem.status).toBe(400);
    expect(badItem.body.error).toMatchObject({ code: 'invalid_input', message: 'Item 2 of the input is not an object', path: '[1]' });
    const badTrigger = await h.call('POST', `/api/workflows/${id}/run?trigger=unknown`, {});
    expect(badTrigger.status).toBe(400);
    expect(badTrigger.body.error.code).toBe('unknown_trigger');
    const runs = await h.call('GET', `/api/runs?workflowId=${id}&limit=500`);
    expect(runs.body.runs).toHaveLength(4); // only the four runs of the two tests above
  });

  it('starts from the named trigger', async () => {
    const response = await h.call('POST', `/api/workflows/${id}/run?trigger=t`, {});
    expect(response.status).toBe(202);
    expect((await h.waitForRun(response.body.runId)).triggerNodeId).toBe('t');
  });
});
