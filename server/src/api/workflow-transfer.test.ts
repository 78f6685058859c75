import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startHarness, type Harness } from '../testing/harness.ts';

let h: Harness;
const graph = {
  nodes: [
    { id: 't', type: 'trigger.manual', name: 'Start', position: [0, 0] },
    { id: 'f', type: 'transform.fields', name: 'Tag', params: { operations: [{ op: 'set', field: 'tag', value: 'x' }] }, position: [240, 0] },
  ],
  edges: [{ source: 't', sourcePort: 'main', target: 'f', targetPort: 'main' }],
  stickyNotes: [{ id: 's1', text: 'Ask purchasing first', position: [0, 200], width: 200, height: 120, color: 'yellow' }],
};

beforeAll(async () => {
  h = await startHarness();
});
afterAll(async () => {
  await h?.close();
});

describe('duplicate, export, import', () => {
  it('duplicates a workflow as a new, inactive copy with the same graph', async () => {
    const id = await h.createWorkflow(graph, 'Low stock');
    await h.call('POST', `/api/workflows/${id}/activate`);
    const copy = await h.call('POST', `/api/workflows/${id}/duplicate`);
    expect(copy.status).toBe(201);
    expect(copy.body).toMatchObject({ name: 'Low stock (copy)', active: false, version: 1 });
    expect(copy.body.id).not.toBe(id);
    expect(copy.body.graph.nodes).toEqual((await h.call('GET', `/api/workflows/${id}`)).body.graph.nodes);
    expect((await h.call('POST', '/api/workflows/0199b1c2-6f1e-7cc1-a1b2-3c4d5e6f7a8b/duplicate')).status).toBe(404);
  });

  it('exports a file that imports back to the same graph (sticky notes included)', async () => {
    const id = await h.createWorkflow(graph, 'Orders → ERP');
    const exported = await h.call('GET', `/api/workflows/${id}/export`);
    expect(exported.status).toBe(200);
    expect(exported.headers.get('content-disposition')).toContain('attachment');
    expect(exported.body).toMatchObject({ format: 'junction.workflow', formatVersion: 1, name: 'Orders → ERP' });
    const imported = await h.call('POST', '/api/workflows/import', exported.body);
    expect(imported.status).toBe(201);
    expect(imported.body.name).toBe('Orders → ERP');
    expect(imported.body.graph).toEqual(exported.body.graph);
    expect(imported.body.graph.stickyNotes).toEqual(graph.stickyNotes);
  });

  it('refuses a file that is not a Junction workflow, or whose graph is invalid, saying why', async () => {
    const notOurs = await h.call('POST', '/api/workflows/import', { name: 'x', graph: {} });
    expect(notOurs.status).toBe(400);
    expect(notOurs.body.error.message).toContain('not a Junction workflow file');
    const broken = await h.call('POST', '/api/workflows/import', {
      format: 'junction.workflow',
      formatVersion: 1,
      name: 'Broken',
      graph: { nodes: [{ id: 't', type: 'trigger.manual', name: 'Start' }, { id: 'h', type: 'connector.http', name: 'Call', params: {} }], edges: [] },
    });
    expect(broken.status).toBe(400);
    expect(broken.body.error.path).toBe('graph.nodes[1].params.url');
  });
});

describe('the workflow list', () => {
  it('shows each workflow\'s newest run', async () => {
    const ran = await h.createWorkflow(graph, 'Ran twice');
    const never = await h.createWorkflow(graph, 'Never ran');
    const first = await h.call('POST', `/api/workflows/${ran}/run`, {});
    await h.waitForRun(first.body.runId);
    const second = await h.call('POST', `/api/workflows/${ran}/run`, {});
    await h.waitForRun(second.body.runId);
    const list = await h.call('GET', '/api/workflows');
    const byId = new Map(list.body.workflows.map((w: any) => [w.id, w]));
    expect((byId.get(ran) as any).lastRun).toMatchObject({ id: second.body.runId, status: 'succeeded' });
    expect((byId.get(ran) as any).lastRun.finishedAt).toEqual(expect.any(String));
    expect((byId.get(never) as any).lastRun).toBeNull();
  });
});

describe('GET /api/runs/:id/workflow', () => {
  it('gives the version that ran, even after the workflow changed', async () => {
    const id = await h.createWorkflow(graph, 'Versioned');
    const run = await h.call('POST', `/api/workflows/${id}/run`, {});
    await h.call('PUT', `/api/workflows/${id}`, { graph: { ...graph, nodes: [graph.nodes[0]], edges: [] } });
    const shown = await h.call('GET', `/api/runs/${run.body.runId}/workflow`);
    expect(shown.status).toBe(200);
    expect(shown.body).toMatchObject({ workflowId: id, name: 'Versioned', version: 1 });
    expect(shown.body.graph.nodes).toHaveLength(2);
  });
});

describe('the OpenAPI document', () => {
  it('describes the routes the editor uses', async () => {
    const doc = (await h.call('GET', '/api/openapi.json')).body;
    for (const path of [
      '/api/workflows/{id}/duplicate',
      '/api/workflows/{id}/export',
      '/api/workflows/import',
      '/api/runs/{id}/events',
      '/api/runs/{id}/workflow',
      '/api/expressions/preview',
    ]) {
      expect(Object.keys(doc.paths), path).toContain(path);
    }
    expect(doc.paths['/api/runs/{id}/events'].get.responses['200'].content).toHaveProperty(['text/event-stream']);
  });
});
