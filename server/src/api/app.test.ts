import { getRequestListener } from '@hono/node-server';
import { AuditEntry, CAPABILITIES, ERROR_CODES, RUN_STATUSES, STEP_STATUSES } from '@junction/nodes';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startHarness, type Harness } from '../testing/harness.ts';
import { listen, type LocalServer } from '../testing/http.ts';

let h: Harness;

beforeAll(async () => {
  h = await startHarness({ worker: false });
});

afterAll(async () => {
  await h?.close();
});

describe('GET /api/health', () => {
  it('answers ok when the database answers', async () => {
    const response = await h.call('GET', '/api/health');
    expect(response.status).toBe(200);
    expect(response.body).toMatchObject({ status: 'ok', database: { ok: true } });
    // An API-only process has no worker to report on.
    expect(response.body.worker).toBeUndefined();
    expect(response.body.problems).toBeUndefined();
  });
});

describe('GET /api/node-types', () => {
  it('lists every node type with its params as JSON Schema', async () => {
    const response = await h.call('GET', '/api/node-types');
    expect(response.status).toBe(200);
    const types = response.body.nodeTypes as any[];
    expect(types.map((t) => t.type).sort()).toEqual([
      'code.javascript',
      'connector.email',
      'connector.http',
      'connector.mysql',
      'connector.postgres',
      'logic.if',
      'logic.noop',
      'logic.subflow',
      'logic.wait',
      'transform.dedupe',
      'transform.fields',
      'trigger.error',
      'trigger.manual',
      'trigger.poll',
      'trigger.schedule',
      'trigger.subflow',
      'trigger.webhook',
    ]);
    const http = types.find((t) => t.type === 'connector.http');
    expect(http).toMatchObject({ category: 'connector', inputs: ['main'], outputs: ['main'], sideEffects: true, version: 1 });
    expect(http).not.toHaveProperty('run');
    expect(http.params.type).toBe('object');
    expect(http.params.properties.url).toMatchObject({ type: 'string', maxLength: 8192 });
    expect(http.params.properties.url.description).toContain('The address to call');
    expect(http.params.properties.method.enum).toContain('POST');
    expect(http.params.required ?? []).toContain('url');
    expect(http.credentials).toEqual([{ param: 'credential', types: ['httpHeader', 'httpBearer', 'httpBasic', 'oauth2ClientCredentials'] }]);
    expect(http.params.properties.credential).toMatchObject({ type: 'string', format: 'uuid' });

    // A database node's SQL is taken as written: the editor shows it without an expression mode.
    expect(types.find((t) => t.type === 'connector.postgres')).toMatchObject({ literalParams: ['action.sql'], credentials: [{ param: 'credential', types: ['postgres'] }] });

    const webhook = types.find((t) => t.type === 'trigger.webhook');
    expect(webhook.credentials).toEqual([{ param: 'credential', types: ['httpHeader', 'httpBasic', 'hmacSecret'] }]);
    expect(webhook.params.properties.auth.default).toEqual({ kind: 'none' });
    expect(webhook).toMatchObject({ category: 'trigger', inputs: [], trigger: { kind: 'webhook' } });
    // Input view: fields with defaults are optional for whoever fills the form.
    expect(webhook.params.required ?? []).toEqual(['path']);
    expect(webhook.params.properties.respond.default).toBe('immediately');
    expect(webhook.params.properties.include.enum).toEqual(['body', 'request']);

    const ifType = types.find((t) => t.type === 'logic.if');
    expect(ifType.outputs).toEqual(['true', 'false']);
  });
});

describe('OpenAPI and the reference page', () => {
  it('serves an OpenAPI 3.1 document of the API', async () => {
    const response = await h.call('GET', '/api/openapi.json');
    expect(response.status).toBe(200);
    const doc = response.body;
    expect(doc.openapi).toBe('3.1.0');
    expect(doc.info.title).toBe('Junction API');
    expect(Object.keys(doc.paths)).toEqual(
      expect.arrayContaining(['/api/workflows', '/api/workflows/{id}', '/api/workflows/{id}/run', '/api/runs', '/api/runs/{id}', '/api/node-types']),
    );
    expect(Object.keys(doc.paths['/api/workflows'])).toEqual(expect.arrayContaining(['get', 'post']));
    const getRun = doc.paths['/api/runs/{id}'].get;
    expect(getRun.parameters).toEqual(expect.arrayContaining([expect.objectContaining({ name: 'id', in: 'path', required: true })]));
    expect(getRun.responses['200'].content['application/json'].schema).toEqual({ $ref: '#/components/schemas/Run' });
    expect(getRun.responses['404'].content['application/json'].schema).toEqual({ $ref: '#/components/schemas/Error' });
    expect(Object.keys(doc.components.schemas)).toEqual(expect.arrayContaining(['Error', 'Workflow', 'WorkflowGraph', 'Run', 'RunSummary', 'Step']));
  });

  it('describes the workflow graph, responses and error codes with the contract the editor reads', async () => {
    const doc = (await h.call('GET', '/api/openapi.json')).body;
    const schemas = doc.components.schemas;
    // The graph is the graph schema itself: its nodes, edges and settings, nothing else allowed.
    const graph = schemas.WorkflowGraph;
    expect(graph).toMatchObject({ type: 'object', additionalProperties: false, required: ['nodes'] });
    expect(Object.keys(graph.properties)).toEqual(expect.arrayContaining(['nodes', 'edges', 'stickyNotes', 'settings']));
    expect(graph.properties.nodes.items).toMatchObject({ additionalProperties: false, required: ['id', 'type', 'name'] });
    expect(graph.properties.edges.items.properties.sourcePort).toMatchObject({ type: 'string', default: 'main' });
    const ref = { $ref: '#/components/schemas/WorkflowGraph' };
    expect(schemas.Workflow.properties.graph).toEqual(ref);
    expect(schemas.WorkflowExport.properties.graph).toEqual(ref);
    // What a client sends is checked in full by validateWorkflow (400 naming node and field), and documented as the graph.
    const create = doc.paths['/api/workflows'].post.requestBody.content['application/json'].schema;
    expect(create.properties.graph.allOf).toEqual([ref]);

    expect(schemas.Error.properties.error.properties.code.enum).toEqual([...ERROR_CODES]);
    expect(schemas.Step.properties.status.enum).toEqual([...STEP_STATUSES]);
    expect(schemas.RunSummary.properties.status.enum).toEqual([...RUN_STATUSES]);
    expect(schemas.Me.properties.capabilities.items.enum).toEqual([...CAPABILITIES]);
    expect(Object.keys(schemas.AuditEntry.properties)).toEqual(Object.keys(AuditEntry.shape));
    // Node params are JSON Schema, whose nesting refers back to itself.
    expect(schemas.NodeType.properties.params.properties.properties.additionalProperties).toEqual({ $ref: '#/components/schemas/JsonSchema' });
  });

  it('serves Swagger UI from this server, no CDN', async () => {
    const page = await h.call('GET', '/api/docs');
    expect(page.status).toBe(200);
    expect(page.headers.get('content-type')).toMatch(/^text\/html/);
    expect(page.body).toContain('<script src="/api/docs/assets/swagger-ui-bundle.js"></script>');
    expect(page.body).not.toMatch(/https?:\/\//);

    const bundle = await h.app.request('/api/docs/assets/swagger-ui-bundle.js');
    expect(bundle.status).toBe(200);
    expect(bundle.headers.get('content-type')).toBe('text/javascript; charset=utf-8');
    expect((await bundle.text()).length).toBeGreaterThan(100_000);

    const css = await h.app.request('/api/docs/assets/swagger-ui.css');
    expect(css.status).toBe(200);
    expect(css.headers.get('content-type')).toMatch(/^text\/css/);

    const init = await h.app.request('/api/docs/init.js');
    expect(init.status).toBe(200);
    expect(await init.text()).toContain("url: '/api/openapi.json'");

    for (const file of ['package.json', '..%2F..%2Fpackage.json', 'index.html']) {
      const other = await h.call('GET', `/api/docs/assets/${file}`);
      expect(other.status, file).toBe(404);
    }
  });

  it('lets the reference page run only its own scripts and talk only to this server', async () => {
    const page = await h.call('GET', '/api/docs');
    const policy = Object.fromEntries(
      page.headers
        .get('content-security-policy')!
        .split(';')
        .map((directive) => directive.trim().split(/\s+/))
        .map(([name, ...values]) => [name, values.join(' ')]),
    );
    expect(policy).toMatchObject({
      'default-src': "'none'",
      'script-src': "'self'",
      'connect-src': "'self'",
      'img-src': "'self' data:",
      'object-src': "'none'",
      'base-uri': "'none'",
      'frame-ancestors': "'none'",
    });
    // So the page holds no inline script the policy would block: every script is a file.
    expect(page.body).not.toMatch(/<script(?![^>]*\ssrc=)[^>]*>/);
    // Nor does it send the document to an outside validator.
    expect(await (await h.app.request('/api/docs/init.js')).text()).toContain('validatorUrl: null');
  });
});

describe('errors', () => {
  it('answers an unknown route with a JSON 404', async () => {
    for (const [method, path] of [
      ['GET', '/api/nothing'],
      ['DELETE', '/api/runs'],
    ] as const) {
      const response = await h.call(method, path);
      expect(response.status).toBe(404);
      expect(response.headers.get('content-type')).toMatch(/^application\/json/);
      expect(response.body).toEqual({ error: { code: 'not_found', message: `Nothing at ${method} ${path}` } });
    }
  });
});

describe('request size limit', () => {
  let small: Harness;
  let server: LocalServer;
  let base: string;

  beforeAll(async () => {
    small = await startHarness({ bodyLimit: 1000, worker: false });
    server = await listen(getRequestListener(small.app.fetch));
    base = server.url;
  });

  afterAll(async () => {
    await server?.close();
    await small?.close();
  });

  const graph = { nodes: [{ id: 't', type: 'trigger.manual', name: 'Start', notes: 'x'.repeat(1900) }] };

  it('answers 413 to a body over the limit before reading it as JSON', async () => {
    const valid = await small.call('POST', '/api/workflows', { name: 'Big', graph });
    expect(valid.status).toBe(413);
    expect(valid.body.error.code).toBe('body_too_large');
    expect(valid.body.error.message).toContain('1000 bytes');

    const invalid = await small.call('POST', '/api/workflows', `{"name": "${'x'.repeat(2000)}`);
    expect(invalid.status).toBe(413);
    expect(invalid.body.error.code).toBe('body_too_large');

    const list = await small.call('GET', '/api/workflows');
    expect(list.body.workflows).toEqual([]);
  });

  it('applies to runs and webhooks too', async () => {
    const id = await small.createWorkflow({ nodes: [{ id: 't', type: 'trigger.manual', name: 'Start' }] });
    const run = await small.call('POST', `/api/workflows/${id}/run`, { blob: 'x'.repeat(2000) });
    expect(run.status).toBe(413);
    expect(run.body.error.code).toBe('body_too_large');
    const hook = await small.call('POST', '/hooks/anything', 'x'.repeat(2000), { 'content-type': 'text/plain' });
    expect(hook.status).toBe(413);
    expect((await small.call('GET', `/api/runs?workflowId=${id}`)).body.runs).toEqual([]);
  });

  it('still reads a body under the limit, and says invalid_json for a small broken one', async () => {
    const ok = await small.call('POST', '/api/workflows', { name: 'Small', graph: { nodes: [{ id: 't', type: 'trigger.manual', name: 'Start' }] } });
    expect(ok.status).toBe(201);
    const broken = await small.call('POST', '/api/workflows', '{"name": ');
    expect(broken.status).toBe(400);
    expect(broken.body.error.code).toBe('invalid_json');
  });

  it('answers 413 over a real socket, by Content-Length and when chunked', async () => {
    const declared = await fetch(`${base}/api/workflows`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: `{"name": "${'x'.repeat(2000)}`,
    });
    expect(declared.status).toBe(413);
    expect((await declared.json()).error.code).toBe('body_too_large');

    const chunks = [new TextEncoder().encode('{"name": "'), new TextEncoder().encode('x'.repeat(2000))];
    const stream = new ReadableStream<Uint8Array>({
      pull(controller) {
        const next = chunks.shift();
        if (next) controller.enqueue(next);
        else controller.close();
      },
    });
    const chunked = await fetch(`${base}/api/workflows`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: stream,
      duplex: 'half',
    } as RequestInit);
    expect(chunked.status).toBe(413);
    expect((await chunked.json()).error.code).toBe('body_too_large');
  });
});
