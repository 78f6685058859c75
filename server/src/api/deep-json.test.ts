/**
 * JSON nested thousands of levels deep, sent to every route that takes a body: each
 * answers 400 `too_deep` saying where, never 500, and the server stays up. (Walking such
 * a document recursively — JSON.stringify, a schema, a copy — overflows the stack.)
 */
import { createHmac, randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RULES } from '../auth/rules.ts';
import { startHarness, type Harness } from '../testing/harness.ts';

let h: Harness;
let workflowId: string;
let credentialId: string;
let userId: string;
let session: { cookie: string; csrf: string };

beforeAll(async () => {
  h = await startHarness({ worker: false });
  workflowId = await h.createWorkflow({ nodes: [{ id: 't', type: 'trigger.manual', name: 'Start' }] });
  credentialId = (await h.call('POST', '/api/credentials', { name: 'Secret', type: 'hmacSecret', data: { secret: 'a signing secret' } })).body.id;
  userId = (await h.createUser('editor')).id;
  await h.call('POST', '/api/variables', { key: 'DEEP', value: 'v' });
  const signedIn = await h.app.request('/api/auth/sign-in', {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ email: h.owner.email, password: h.owner.password }),
  });
  session = { cookie: /junction_session=[^;]+/.exec(signedIn.headers.get('set-cookie')!)![0], csrf: (await signedIn.json()).csrfToken };
});

afterAll(async () => {
  await h?.close();
});

/** `{"a":{"a":...1...}}`, `depth` levels: written as text, since JSON.stringify of it would overflow. */
const deepText = (depth: number) => '{"a":'.repeat(depth) + '1' + '}'.repeat(depth);

/** A body shaped as the route expects, with DEEP where a value nests. */
const BODIES: Record<string, { path: () => string; body: unknown; session?: boolean }> = {
  'POST /api/setup': { path: () => '/api/setup', body: { email: 'late@junction.test', name: 'DEEP', password: 'a long enough password' } },
  'POST /api/auth/sign-in': { path: () => '/api/auth/sign-in', body: { email: 'DEEP', password: 'x' } },
  'POST /api/auth/sign-out': { path: () => '/api/auth/sign-out', body: 'DEEP' },
  'POST /api/me/password': { path: () => '/api/me/password', body: { currentPassword: 'DEEP', newPassword: 'a brand new password' }, session: true },
  'POST /api/api-keys': { path: () => '/api/api-keys', body: { name: 'DEEP' } },
  'POST /api/users': { path: () => '/api/users', body: { email: 'deep@junction.test', name: 'Deep', role: 'viewer', password: 'DEEP' } },
  'PUT /api/users/:id': { path: () => `/api/users/${userId}`, body: { name: 'DEEP' } },
  'POST /api/users/:id/enable': { path: () => `/api/users/${userId}/enable`, body: 'DEEP' },
  'POST /api/credentials': { path: () => '/api/credentials', body: { name: 'Deep', type: 'hmacSecret', data: 'DEEP' } },
  'POST /api/credentials/test': { path: () => '/api/credentials/test', body: { type: 'hmacSecret', data: 'DEEP' } },
  'PUT /api/credentials/:id': { path: () => `/api/credentials/${credentialId}`, body: { data: 'DEEP' } },
  'POST /api/credentials/:id/test': { path: () => `/api/credentials/${credentialId}/test`, body: 'DEEP' },
  'POST /api/expressions/preview': { path: () => '/api/expressions/preview', body: { expression: '{{ 1 }}', items: [{ json: 'DEEP' }] } },
  'POST /api/variables': { path: () => '/api/variables', body: { key: 'DEEPER', value: 'DEEP' } },
  'PUT /api/variables/:key': { path: () => '/api/variables/DEEP', body: { value: 'DEEP' } },
  'POST /api/workflows': { path: () => '/api/workflows', body: { name: 'Deep', graph: { nodes: [{ id: 't', type: 'trigger.manual', name: 'Start', params: 'DEEP' }] } } },
  'PUT /api/workflows/:id': { path: () => `/api/workflows/${workflowId}`, body: { graph: { nodes: [{ id: 't', type: 'trigger.manual', name: 'Start', params: 'DEEP' }] } } },
  'POST /api/workflows/import': {
    path: () => '/api/workflows/import',
    body: { format: 'junction.workflow', formatVersion: 1, name: 'Deep', graph: { nodes: [{ id: 't', type: 'trigger.manual', name: 'Start', params: 'DEEP' }] } },
  },
  'POST /api/workflows/:id/duplicate': { path: () => `/api/workflows/${workflowId}/duplicate`, body: 'DEEP' },
  'PUT /api/workflows/:id/shares': { path: () => `/api/workflows/${workflowId}/shares`, body: { userIds: 'DEEP' } },
  'POST /api/workflows/:id/triggers/:nodeId/test': { path: () => `/api/workflows/${workflowId}/triggers/t/test`, body: 'DEEP' },
  'POST /api/workflows/:id/activate': { path: () => `/api/workflows/${workflowId}/activate`, body: 'DEEP' },
  'POST /api/workflows/:id/deactivate': { path: () => `/api/workflows/${workflowId}/deactivate`, body: 'DEEP' },
  'POST /api/workflows/:id/run': { path: () => `/api/workflows/${workflowId}/run`, body: { order: 'DEEP' } },
  'POST /api/runs/:id/cancel': { path: () => `/api/runs/${randomUUID()}/cancel`, body: 'DEEP' },
  'POST /api/runs/:id/retry': { path: () => `/api/runs/${randomUUID()}/retry`, body: 'DEEP' },
  'POST /api/resume/:token': { path: () => '/api/resume/not-a-token', body: { decision: 'DEEP' } },
};

const withDeep = (body: unknown, depth: number) => JSON.stringify(body).replace('"DEEP"', deepText(depth));

describe('a body nested thousands of levels deep', () => {
  it('is covered here for every API route that takes a body', () => {
    const writes = Object.keys(RULES).filter((key) => /^(POST|PUT|PATCH) \/api\//.test(key));
    expect(Object.keys(BODIES).sort()).toEqual(writes.sort());
  });

  it.each(Object.keys(BODIES))('%s answers 400 too_deep', async (route) => {
    const spec = BODIES[route]!;
    const method = route.split(' ')[0]!;
    for (const depth of [5_000, 200_000]) {
      const headers: Record<string, string> = spec.session ? { cookie: session.cookie, 'x-csrf-token': session.csrf } : {};
      const response = await h.callAs(spec.session ? null : h.owner.key, method, spec.path(), withDeep(spec.body, depth), headers);
      expect(response.status, `${route} at depth ${depth}: ${JSON.stringify(response.body).slice(0, 300)}`).toBe(400);
      expect(response.body.error.code).toBe('too_deep');
      expect(response.body.error.message).toMatch(/^The request body nests more than 128 levels deep, at \S+/);
    }
  });

  it('names where, and lets a graph nested as deep as items may be through', async () => {
    const response = await h.call('POST', '/api/workflows', withDeep({ name: 'Deep', graph: { nodes: [{ id: 't', type: 'trigger.manual', name: 'Start', params: 'DEEP' }] } }, 5_000));
    expect(response.body.error.path).toMatch(/^graph\.nodes\[0\]\.params(\.a)+$/);
    // Not parsed as JSON (it is not sent as JSON): left to the route, which refuses the type.
    const asText = await h.call('POST', '/api/workflows', withDeep({ name: 'Deep', graph: 'DEEP' }, 5_000), { 'content-type': 'text/plain' });
    expect(asText.status).toBe(415);
    const nested = { operations: [{ op: 'set', field: 'deep', value: JSON.parse(deepText(100)) }] };
    const fields = { id: 'f', type: 'transform.fields', name: 'Fields', params: nested };
    const fine = await h.call('POST', '/api/workflows', { name: 'Deep enough', graph: { nodes: [{ id: 't', type: 'trigger.manual', name: 'Start' }, fields], edges: [] } });
    expect(fine.status, JSON.stringify(fine.body).slice(0, 300)).not.toBe(500);
    expect((await h.call('GET', '/api/health')).status).toBe(200);
  });
});

describe('a webhook body nested thousands of levels deep', () => {
  it('is refused clearly, signed or not, whatever the trigger keeps of the request, and starts no run', async () => {
    const hook = async (path: string, params: Record<string, unknown>) => {
      const id = await h.createWorkflow({ nodes: [{ id: 'in', type: 'trigger.webhook', name: 'In', params: { path, ...params } }] });
      expect((await h.call('POST', `/api/workflows/${id}/activate`)).status).toBe(200);
      return id;
    };
    const plain = await hook('deep/plain', {});
    const waiting = await hook('deep/waiting', { respond: 'whenFinished', include: 'request' });
    const signed = await hook('deep/signed', { auth: { kind: 'hmac', deliveryIdHeader: 'X-Delivery' }, credential: credentialId });
    for (const depth of [5_000, 200_000]) {
      const body = deepText(depth);
      const signature = createHmac('sha256', 'a signing secret').update(body).digest('hex');
      const answers = [
        await h.callAs(null, 'POST', '/hooks/deep/plain', body, { 'content-type': 'application/json' }),
        await h.callAs(null, 'POST', '/hooks/deep/plain', body, {}),
        await h.callAs(null, 'POST', '/hooks/deep/waiting', body, { 'content-type': 'application/json' }),
        await h.callAs(null, 'POST', '/hooks/deep/signed', body, { 'content-type': 'application/json', 'x-signature': signature, 'x-delivery': randomUUID() }),
      ];
      for (const answer of answers) {
        expect(answer.status).toBe(400);
        expect(answer.body.error.code).toBe('too_deep');
        expect(answer.body.error.message).toContain('more than 100 levels');
      }
      // Unsigned, it is refused as unsigned first.
      expect((await h.callAs(null, 'POST', '/hooks/deep/signed', body, { 'content-type': 'application/json' })).status).toBe(401);
    }
    for (const id of [plain, waiting, signed]) expect((await h.call('GET', `/api/runs?workflowId=${id}`)).body.runs).toEqual([]);
  });
});
