import { request } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startHarness, type Harness } from '../testing/harness.ts';
import { listen, type LocalServer } from '../testing/http.ts';
import { requestListener } from './app.ts';

let h: Harness;

beforeAll(async () => {
  h = await startHarness();
});

afterAll(async () => {
  await h?.close();
});

const edge = (source: string, target: string) => ({ source, sourcePort: 'main', target, targetPort: 'main' });
const hook = (params: Record<string, unknown>) => ({ id: 'hook', type: 'trigger.webhook', name: 'Hook', params });

/** Creates and activates a workflow: a webhook trigger, then `rest` in a chain. */
async function active(params: Record<string, unknown>, rest: Record<string, unknown>[] = []): Promise<string> {
  const nodes = [hook(params), ...rest];
  const edges = nodes.slice(1).map((node, i) => edge(nodes[i]!.id as string, node.id as string));
  const id = await h.createWorkflow({ nodes, edges });
  const response = await h.call('POST', `/api/workflows/${id}/activate`);
  expect(response.status).toBe(200);
  return id;
}

const setField = (field: string, value: unknown, id = 'set') => ({
  id,
  type: 'transform.fields',
  name: `Set ${field}`,
  params: { operations: [{ op: 'set', field, value }] },
});
const noop = { id: 'noop', type: 'logic.noop', name: 'Done' };

describe('/hooks routing', () => {
  it('answers 404 for a path nobody listens on', async () => {
    const response = await h.call('POST', '/hooks/nobody/here', {});
    expect(response.status).toBe(404);
    expect(response.body.error.code).toBe('unknown_webhook');
    expect(response.body.error.message).toContain('/hooks/nobody/here');
  });

  it('answers 404 for the path of an inactive workflow', async () => {
    await h.createWorkflow({ nodes: [hook({ path: 'sleeping' })], edges: [] });
    const response = await h.call('POST', '/hooks/sleeping', {});
    expect(response.status).toBe(404);
    expect(response.body.error.code).toBe('unknown_webhook');
  });

  it('answers 405 with Allow for another method', async () => {
    await active({ path: 'put-only', method: 'PUT' });
    const response = await h.call('POST', '/hooks/put-only', {});
    expect(response.status).toBe(405);
    expect(response.headers.get('allow')).toBe('PUT');
    expect(response.body.error.code).toBe('method_not_allowed');
    expect((await h.call('PUT', '/hooks/put-only', {})).status).toBe(202);
  });

  it('answers 400 for an address that is not validly encoded', async () => {
    const response = await h.call('POST', '/hooks/%E0%A4%A', {});
    expect(response.status).toBe(400);
    expect(response.body.error.code).toBe('invalid_path');
  });

  it('answers 404 for an address holding a NUL', async () => {
    await active({ path: 'nul-free' });
    expect((await h.call('POST', '/hooks/nul-free%00', {})).status).toBe(404);
  });

  it('keeps a body holding a NUL or half a surrogate pair, as U+FFFD, and runs', async () => {
    await active({ path: 'odd-text', respond: 'whenFinished' }, [noop]);
    const response = await h.call('POST', '/hooks/odd-text', '{"no\\u0000te":"a\\ud800b"}');
    expect(response.status).toBe(200);
    expect(response.body).toEqual({ ['no\uFFFDte']: 'a\uFFFDb' });
  });

  it('matches the path with or without slashes around it', async () => {
    await active({ path: 'shop/orders' });
    expect((await h.call('POST', '/hooks/shop/orders/', {})).status).toBe(202);
    expect((await h.call('POST', '/hooks/shop', {})).status).toBe(404);
  });
});

describe('responding', () => {
  it('answers 202 with the run id at once; the run exists and gets the body', async () => {
    const workflowId = await active({ path: 'now' }, [noop]);
    const response = await h.call('POST', '/hooks/now', { order: 1 });
    expect(response.status).toBe(202);
    expect(Object.keys(response.body)).toEqual(['runId']);
    const stored = await h.call('GET', `/api/runs/${response.body.runId}`);
    expect(stored.status).toBe(200);
    expect(stored.body).toMatchObject({ workflowId, mode: 'webhook', triggerNodeId: 'hook', input: [{ json: { order: 1 } }] });
    expect((await h.waitForRun(response.body.runId)).status).toBe('succeeded');
  });

  it('waits for the run and answers with the last step’s output', async () => {
    await active({ path: 'wait', respond: 'whenFinished' }, [setField('status', 'seen'), noop]);
    const one = await h.call('POST', '/hooks/wait', { order: 7 });
    expect(one.status).toBe(200);
    expect(one.body).toEqual({ order: 7, status: 'seen' });
    const many = await h.call('POST', '/hooks/wait', [{ order: 1 }, { order: 2 }]);
    expect(many.status).toBe(200);
    expect(many.body).toEqual([
      { order: 1, status: 'seen' },
      { order: 2, status: 'seen' },
    ]);
  });

  it('answers 500 run_failed when the run fails', async () => {
    const http = {
      id: 'http',
      type: 'connector.http',
      name: 'Call',
      params: { url: 'http://127.0.0.1:1/down' },
      retry: { maxAttempts: 1, backoffMs: 0, maxBackoffMs: 0 },
    };
    await active({ path: 'fails', respond: 'whenFinished' }, [http]);
    const response = await h.call('POST', '/hooks/fails', {});
    expect(response.status).toBe(500);
    expect(response.body.error.code).toBe('run_failed');
    const run = await h.call('GET', `/api/runs/${response.body.error.runId}`);
    expect(run.body.status).toBe('failed');
    // Why it failed stays in the run history; the caller learns only that it did.
    expect(response.body.error.message).toBe(`The workflow's run failed; its owner can see why in the run history (run ${response.body.error.runId})`);
    expect(run.body.error.message).toContain('Could not reach 127.0.0.1:1');
    expect(response.body.error.message).not.toContain('127.0.0.1');
  });

  it('answers 202 with the run id when the run takes longer than the timeout, and the run goes on', async () => {
    const slow = await listen((_req, res) => setTimeout(() => res.end('{}'), 2500));
    try {
      const url = `${slow.url}/slow`;
      await active({ path: 'slow', respond: 'whenFinished', responseTimeoutSeconds: 1 }, [{ id: 'http', type: 'connector.http', name: 'Slow', params: { url } }]);
      const started = Date.now();
      const response = await h.call('POST', '/hooks/slow', {});
      expect(Date.now() - started).toBeGreaterThanOrEqual(900);
      expect(response.status).toBe(202);
      expect(response.body).toEqual({ runId: expect.any(String), status: 'running' });
      expect((await h.waitForRun(response.body.runId)).status).toBe('succeeded');
    } finally {
      await slow.close();
    }
  });

  it('refuses invalid JSON before starting a run', async () => {
    const workflowId = await active({ path: 'strict-json' });
    const response = await h.call('POST', '/hooks/strict-json', '{"a":');
    expect(response.status).toBe(400);
    expect(response.body.error.code).toBe('invalid_json');
    expect((await h.call('GET', `/api/runs?workflowId=${workflowId}`)).body.runs).toEqual([]);
  });

  it('refuses a body nested too deeply, before starting a run, and stays up', async () => {
    const workflowId = await active({ path: 'deep', include: 'request' });
    for (const depth of [150, 100_000]) {
      const body = '{"a":'.repeat(depth) + '1' + '}'.repeat(depth);
      const response = await h.call('POST', '/hooks/deep', body);
      expect(response.status).toBe(400);
      expect(response.body.error.code).toBe('too_deep');
      expect(response.body.error.message).toContain('more than 100 levels');
    }
    const fine = await h.call('POST', '/hooks/deep', '{"a":'.repeat(50) + '1' + '}'.repeat(50));
    expect(fine.status).toBe(202);
    expect((await h.call('GET', `/api/runs?workflowId=${workflowId}`)).body.runs).toHaveLength(1);
  });
});

describe('what the items hold', () => {
  it('with include: request, holds body, query and headers, without credentials', async () => {
    await active({ path: 'whole', include: 'request' });
    const response = await h.call('POST', '/hooks/whole?x=1&y=two', { a: 1 }, {
      Authorization: 'Bearer secret-token',
      Cookie: 'session=secret',
      'X-Hub-Signature': 'sha256=secret',
      'X-Shop': 'berlin',
    });
    expect(response.status).toBe(202);
    const run = (await h.call('GET', `/api/runs/${response.body.runId}`)).body;
    expect(run.input).toHaveLength(1);
    const json = run.input[0].json;
    expect(json).toMatchObject({ body: { a: 1 }, query: { x: '1', y: 'two' }, method: 'POST', path: '/hooks/whole' });
    expect(json.headers).toEqual({ 'content-type': 'application/json', 'x-shop': 'berlin' });
    expect(JSON.stringify(run)).not.toContain('secret');
  });

  it('keeps a "__proto__" query parameter as data, and takes any body with include: request', async () => {
    await active({ path: 'odd-query', include: 'request' });
    const response = await h.call('POST', '/hooks/odd-query?__proto__=x&constructor=y', [1, 2]);
    expect(response.status).toBe(202);
    const json = (await h.call('GET', `/api/runs/${response.body.runId}`)).body.input[0].json;
    expect(json.query).toEqual({ ['__proto__']: 'x', constructor: 'y' });
    expect(Object.getPrototypeOf(json.query)).toBe(Object.prototype);
    expect(json.body).toEqual([1, 2]);
  });

  it('reads a form-urlencoded body, repeated keys as a list', async () => {
    await active({ path: 'form' });
    const text = 'name=Ann+Lee&tag=a&tag=b&constructor=c&toString=t&__proto__=x&__proto__=y';
    const response = await h.call('POST', '/hooks/form', text, {
      'content-type': 'application/x-www-form-urlencoded',
    });
    expect(response.status).toBe(202);
    const run = (await h.call('GET', `/api/runs/${response.body.runId}`)).body;
    // Keys that name Object.prototype members are plain fields too.
    expect(run.input[0].json).toEqual(JSON.parse('{"name":"Ann Lee","tag":["a","b"],"constructor":"c","toString":"t","__proto__":["x","y"]}'));
    expect(Object.hasOwn(run.input[0].json, '__proto__')).toBe(true);
  });

  it('keeps a plain text body as text', async () => {
    await active({ path: 'text' });
    const response = await h.call('POST', '/hooks/text', 'hello there', { 'content-type': 'text/plain' });
    expect(response.status).toBe(202);
    expect((await h.call('GET', `/api/runs/${response.body.runId}`)).body.input).toEqual([{ json: { body: 'hello there' } }]);
  });

  it('stores expressions in a webhook body as data, never evaluating them', async () => {
    await active({ path: 'data-not-code', respond: 'whenFinished' }, [setField('copy', '{{ $json.text }}')]);
    const body = { x: 'secret', text: '{{ $json.x }}', nested: { t: "{{ $node('Hook').json }}" } };
    const response = await h.call('POST', '/hooks/data-not-code', body);
    expect(response.status).toBe(200);
    // The saved expression reads `text`; the text it reads is returned as it came.
    expect(response.body).toEqual({ ...body, copy: '{{ $json.x }}' });
  });
});

describe('over a real socket', () => {
  let server: LocalServer;
  let base: string;

  beforeAll(async () => {
    server = await listen(requestListener(h.app));
    base = server.url;
  });

  afterAll(async () => {
    await server?.close();
  });

  it('refuses paths with dot segments, escaped or not, instead of resolving them out of /hooks', async () => {
    const raw = (path: string) =>
      new Promise<{ status: number; body: string }>((resolve, reject) => {
        // As a client sends it: fetch, or a URL string here, would resolve the segments itself.
        const { hostname, port } = new URL(base);
        const req = request({ hostname, port, path, headers: { authorization: `Bearer ${h.owner.key}` } }, (res) => {
          let body = '';
          res.on('data', (chunk) => (body += chunk));
          res.on('end', () => resolve({ status: res.statusCode!, body }));
        });
        req.on('error', reject);
        req.end();
      });
    for (const path of ['/hooks/%2e%2e/api/me', '/hooks/%2E%2e/api/setup', '/hooks/orders/.%2e/%2e./api/me', '/hooks/../api/me', '/hooks/./x/%2e%2e/%2e%2e/api/me?x=1']) {
      const answer = await raw(path);
      expect(answer.status, path).toBe(404);
      expect(JSON.parse(answer.body).error).toEqual({ code: 'not_found', message: 'Nothing at this path: it holds a "." or ".." segment' });
    }
    expect((await raw('/api/me')).status).toBe(200);
    // Dots inside a segment are ordinary.
    expect((await raw('/hooks/v1.2/...')).status).toBe(404);
    expect(JSON.parse((await raw('/hooks/v1.2/...')).body).error.message).not.toMatch(/segment/);
  });

  it('answers a webhook call with the run’s output', async () => {
    await active({ path: 'socket', respond: 'whenFinished' }, [setField('via', 'http')]);
    const response = await fetch(`${base}/hooks/socket`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ sku: 'A-1' }),
    });
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toMatch(/^application\/json/);
    expect(await response.json()).toEqual({ sku: 'A-1', via: 'http' });
  });
});
