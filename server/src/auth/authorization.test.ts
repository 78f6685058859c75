/**
 * The authorization matrix: every route of the app (read from Hono's route list) ×
 * every role × the caller's own resource and another user's → the expected status.
 *
 * Each route needs an entry in CASES below — how to call it, and what each role gets —
 * and a rule in `rules.ts`; a route added without them fails this test. The expected
 * statuses are written out here, by hand, from the role table in docs/security.md, so the
 * test checks the rules rather than repeating them.
 */
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { catalogue, validateWorkflow } from '@junction/nodes';
import { createWorkflow } from '../db/queries/workflows.ts';
import { createCredential } from '../db/queries/credentials.ts';
import { createApiKey } from '../db/queries/api-keys.ts';
import { createVariable } from '../db/queries/variables.ts';
import { enqueueRun, requestCancel } from '../db/queries/runs.ts';
import { startHarness, type Harness, type TestUser } from '../testing/harness.ts';
import { RULES } from './rules.ts';
import type { Role } from './roles.ts';

let h: Harness;
const actors = {} as Record<Role, TestUser>;
/** Owns the "other" resources: an editor nobody shared anything with. */
let stranger: TestUser;

beforeAll(async () => {
  h = await startHarness({ worker: false });
  actors.owner = h.owner;
  actors.admin = await h.createUser('admin');
  actors.editor = await h.createUser('editor');
  actors.viewer = await h.createUser('viewer');
  stranger = await h.createUser('editor', 'stranger');
});

afterAll(async () => {
  await h?.close();
});

type Whose = 'own' | 'other';
interface Request {
  method: string;
  path: string;
  body?: unknown;
}
/** Expected status per role: one number for both cases, or [own, other]. */
type Expect = Record<Role, number | [number, number]>;
interface Case {
  request(actor: TestUser, whose: Whose): Promise<Request>;
  expect: Expect;
}

const graph = { nodes: [{ id: 't', type: 'trigger.manual', name: 'Start' }], edges: [] };
const validated = validateWorkflow(graph, catalogue);
const fixtureGraph = validated.ok ? validated.graph : null;

// ---------------------------------------------------------------------------------------
// Fixtures: a fresh resource per call, so that deleting one case's never affects another.

const ownerOf = (actor: TestUser, whose: Whose) => (whose === 'own' ? actor : stranger);

async function workflow(actor: TestUser, whose: Whose): Promise<string> {
  return (await createWorkflow(h.database.db, `wf ${randomUUID()}`, fixtureGraph!, ownerOf(actor, whose).id)).id;
}

async function run(actor: TestUser, whose: Whose, cancelled: boolean): Promise<string> {
  const workflowId = await workflow(actor, whose);
  const versionId = (await h.call('GET', `/api/workflows/${workflowId}`)).body.versionId;
  const id = await enqueueRun(h.database.pool, { workflowId, versionId, triggerNodeId: 't', mode: 'manual', input: [{ json: {} }], timeoutSeconds: 60 });
  if (cancelled) await requestCancel(h.database.pool, id);
  return id;
}

const variableKey = () => `V_${randomUUID().replaceAll('-', '_')}`;

/** Variables belong to the instance, not to a user: "own" and "other" are alike. */
async function variable(): Promise<string> {
  const key = variableKey();
  await createVariable(h.database.db, key, 'value');
  return key;
}

/** "Own": shared with the actor (editors use only shared credentials); "other": shared with nobody. */
async function credential(actor: TestUser, whose: Whose): Promise<string> {
  const created = await createCredential(h.database.db, h.security.keyring, {
    name: `cred ${randomUUID()}`,
    type: 'hmacSecret',
    ownerId: h.owner.id,
    data: { secret: 'a secret of the matrix' },
    sharedWith: whose === 'own' && actor.role !== 'owner' ? [actor.id] : [],
  });
  return created.id;
}

async function apiKey(actor: TestUser, whose: Whose): Promise<string> {
  return (await createApiKey(h.database.db, { userId: ownerOf(actor, whose).id, name: 'fixture', scopes: ['runs:read'] })).id;
}

/** "Own": the actor's account; "other": a fresh editor. */
async function user(actor: TestUser, whose: Whose): Promise<string> {
  return whose === 'own' ? actor.id : (await h.createUser('editor')).id;
}

// ---------------------------------------------------------------------------------------
// The matrix. 403: the role (or key) may not; 404: may not see that resource.

const all = (status: number): Expect => ({ owner: status, admin: status, editor: status, viewer: status });
const adminsOnly = (status: number): Expect => ({ owner: status, admin: status, editor: 403, viewer: 403 });
const notViewers = (status: number): Expect => ({ owner: status, admin: status, editor: status, viewer: 403 });
/** Read a workflow or run: viewers read everything, editors their own and shared ones. */
const readWorkflow = (status: number): Expect => ({ owner: status, admin: status, editor: [status, 404], viewer: status });
/** Change a workflow or run: viewers never, editors their own and shared ones. */
const changeWorkflow = (status: number): Expect => ({ owner: status, admin: status, editor: [status, 404], viewer: 403 });

const CASES: Record<string, Case> = {
  'POST /api/auth/sign-out': { request: async () => ({ method: 'POST', path: '/api/auth/sign-out' }), expect: all(204) },
  'GET /api/me': { request: async () => ({ method: 'GET', path: '/api/me' }), expect: all(200) },
  // A session only: the matrix calls with API keys (auth.test.ts signs in and changes it).
  'POST /api/me/password': {
    request: async (actor) => ({ method: 'POST', path: '/api/me/password', body: { currentPassword: actor.password, newPassword: actor.password } }),
    expect: all(403),
  },

  'GET /api/api-keys': {
    request: async (actor, whose) => ({ method: 'GET', path: whose === 'own' ? '/api/api-keys' : `/api/api-keys?userId=${stranger.id}` }),
    expect: { owner: 200, admin: 200, editor: [200, 403], viewer: [200, 403] },
  },
  'POST /api/api-keys': { request: async () => ({ method: 'POST', path: '/api/api-keys', body: { name: 'matrix' } }), expect: all(201) },
  'DELETE /api/api-keys/:id': {
    request: async (actor, whose) => ({ method: 'DELETE', path: `/api/api-keys/${await apiKey(actor, whose)}` }),
    expect: { owner: 204, admin: 204, editor: [204, 404], viewer: [204, 404] },
  },

  'GET /api/users': { request: async () => ({ method: 'GET', path: '/api/users' }), expect: notViewers(200) },
  'POST /api/users': {
    request: async () => ({ method: 'POST', path: '/api/users', body: { email: `${randomUUID()}@junction.test`, name: 'New', role: 'viewer', password: 'a long new password' } }),
    expect: adminsOnly(201),
  },
  'GET /api/users/:id': { request: async (actor, whose) => ({ method: 'GET', path: `/api/users/${await user(actor, whose)}` }), expect: notViewers(200) },
  'PUT /api/users/:id': {
    request: async (actor, whose) => ({ method: 'PUT', path: `/api/users/${await user(actor, whose)}`, body: { name: 'Renamed' } }),
    // One's own account changes through /api/me, not here.
    expect: { owner: [403, 200], admin: [403, 200], editor: 403, viewer: 403 },
  },
  'DELETE /api/users/:id': {
    request: async (actor, whose) => ({ method: 'DELETE', path: `/api/users/${await user(actor, whose)}` }),
    expect: { owner: [403, 200], admin: [403, 200], editor: 403, viewer: 403 },
  },
  'POST /api/users/:id/enable': {
    request: async (actor, whose) => ({ method: 'POST', path: `/api/users/${await user(actor, whose)}/enable` }),
    expect: { owner: [403, 200], admin: [403, 200], editor: 403, viewer: 403 },
  },

  'GET /api/audit': { request: async () => ({ method: 'GET', path: '/api/audit?limit=5' }), expect: adminsOnly(200) },

  'GET /api/credential-types': { request: async () => ({ method: 'GET', path: '/api/credential-types' }), expect: notViewers(200) },
  'GET /api/credentials': { request: async () => ({ method: 'GET', path: '/api/credentials' }), expect: notViewers(200) },
  'POST /api/credentials': {
    request: async () => ({ method: 'POST', path: '/api/credentials', body: { name: 'New', type: 'hmacSecret', data: { secret: 'a brand new secret' } } }),
    expect: adminsOnly(201),
  },
  'POST /api/credentials/test': {
    request: async () => ({ method: 'POST', path: '/api/credentials/test', body: { type: 'hmacSecret', data: { secret: 'a secret to test' } } }),
    expect: adminsOnly(200),
  },
  'GET /api/credentials/:id': {
    request: async (actor, whose) => ({ method: 'GET', path: `/api/credentials/${await credential(actor, whose)}` }),
    expect: { owner: 200, admin: 200, editor: [200, 404], viewer: 403 },
  },
  'PUT /api/credentials/:id': {
    request: async (actor, whose) => ({ method: 'PUT', path: `/api/credentials/${await credential(actor, whose)}`, body: { name: 'Renamed' } }),
    expect: adminsOnly(200),
  },
  'DELETE /api/credentials/:id': {
    request: async (actor, whose) => ({ method: 'DELETE', path: `/api/credentials/${await credential(actor, whose)}` }),
    expect: adminsOnly(204),
  },
  'POST /api/credentials/:id/test': {
    request: async (actor, whose) => ({ method: 'POST', path: `/api/credentials/${await credential(actor, whose)}/test`, body: {} }),
    expect: { owner: 200, admin: 200, editor: [200, 404], viewer: 403 },
  },

  'GET /api/node-types': { request: async () => ({ method: 'GET', path: '/api/node-types' }), expect: all(200) },

  'POST /api/expressions/preview': {
    request: async () => ({ method: 'POST', path: '/api/expressions/preview', body: { expression: '{{ $json.n * 2 }}', items: [{ json: { n: 21 } }] } }),
    expect: notViewers(200),
  },

  'GET /api/variables': { request: async () => ({ method: 'GET', path: '/api/variables' }), expect: notViewers(200) },
  'POST /api/variables': { request: async () => ({ method: 'POST', path: '/api/variables', body: { key: variableKey(), value: 'v' } }), expect: adminsOnly(201) },
  'GET /api/variables/:key': { request: async () => ({ method: 'GET', path: `/api/variables/${await variable()}` }), expect: notViewers(200) },
  'PUT /api/variables/:key': { request: async () => ({ method: 'PUT', path: `/api/variables/${await variable()}`, body: { value: 'changed' } }), expect: adminsOnly(200) },
  'DELETE /api/variables/:key': { request: async () => ({ method: 'DELETE', path: `/api/variables/${await variable()}` }), expect: adminsOnly(204) },

  'POST /api/workflows': { request: async () => ({ method: 'POST', path: '/api/workflows', body: { name: 'New', graph } }), expect: notViewers(201) },
  'GET /api/workflows': { request: async () => ({ method: 'GET', path: '/api/workflows' }), expect: all(200) },
  'GET /api/workflows/:id': { request: async (actor, whose) => ({ method: 'GET', path: `/api/workflows/${await workflow(actor, whose)}` }), expect: readWorkflow(200) },
  'PUT /api/workflows/:id': {
    request: async (actor, whose) => ({ method: 'PUT', path: `/api/workflows/${await workflow(actor, whose)}`, body: { name: 'Renamed' } }),
    expect: changeWorkflow(200),
  },
  'DELETE /api/workflows/:id': { request: async (actor, whose) => ({ method: 'DELETE', path: `/api/workflows/${await workflow(actor, whose)}` }), expect: changeWorkflow(204) },
  'GET /api/workflows/:id/versions': {
    request: async (actor, whose) => ({ method: 'GET', path: `/api/workflows/${await workflow(actor, whose)}/versions` }),
    expect: readWorkflow(200),
  },
  'GET /api/workflows/:id/versions/:version': {
    request: async (actor, whose) => ({ method: 'GET', path: `/api/workflows/${await workflow(actor, whose)}/versions/1` }),
    expect: readWorkflow(200),
  },
  'GET /api/workflows/:id/export': {
    request: async (actor, whose) => ({ method: 'GET', path: `/api/workflows/${await workflow(actor, whose)}/export` }),
    expect: readWorkflow(200),
  },
  'POST /api/workflows/:id/duplicate': {
    request: async (actor, whose) => ({ method: 'POST', path: `/api/workflows/${await workflow(actor, whose)}/duplicate` }),
    expect: changeWorkflow(201),
  },
  'POST /api/workflows/import': {
    request: async () => ({ method: 'POST', path: '/api/workflows/import', body: { format: 'junction.workflow', formatVersion: 1, name: 'Imported', graph } }),
    expect: notViewers(201),
  },
  'GET /api/workflows/:id/shares': {
    request: async (actor, whose) => ({ method: 'GET', path: `/api/workflows/${await workflow(actor, whose)}/shares` }),
    expect: readWorkflow(200),
  },
  'GET /api/workflows/:id/triggers': {
    request: async (actor, whose) => ({ method: 'GET', path: `/api/workflows/${await workflow(actor, whose)}/triggers` }),
    expect: readWorkflow(200),
  },
  'POST /api/workflows/:id/triggers/:nodeId/test': {
    // The matrix's workflow has no poll: those who may try one are told so.
    request: async (actor, whose) => ({ method: 'POST', path: `/api/workflows/${await workflow(actor, whose)}/triggers/t/test` }),
    expect: changeWorkflow(400),
  },
  'PUT /api/workflows/:id/shares': {
    request: async (actor, whose) => ({ method: 'PUT', path: `/api/workflows/${await workflow(actor, whose)}/shares`, body: { userIds: [] } }),
    expect: changeWorkflow(200),
  },
  'POST /api/workflows/:id/activate': {
    request: async (actor, whose) => ({ method: 'POST', path: `/api/workflows/${await workflow(actor, whose)}/activate` }),
    expect: changeWorkflow(200),
  },
  'POST /api/workflows/:id/deactivate': {
    request: async (actor, whose) => ({ method: 'POST', path: `/api/workflows/${await workflow(actor, whose)}/deactivate` }),
    expect: changeWorkflow(200),
  },
  'POST /api/workflows/:id/run': {
    request: async (actor, whose) => ({ method: 'POST', path: `/api/workflows/${await workflow(actor, whose)}/run`, body: { n: 1 } }),
    expect: changeWorkflow(202),
  },

  'GET /api/runs': { request: async () => ({ method: 'GET', path: '/api/runs' }), expect: all(200) },
  'GET /api/runs/:id': { request: async (actor, whose) => ({ method: 'GET', path: `/api/runs/${await run(actor, whose, false)}` }), expect: readWorkflow(200) },
  // A finished (cancelled) run: its event stream sends the snapshot and its end, then closes.
  'GET /api/runs/:id/events': { request: async (actor, whose) => ({ method: 'GET', path: `/api/runs/${await run(actor, whose, true)}/events` }), expect: readWorkflow(200) },
  'GET /api/runs/:id/workflow': { request: async (actor, whose) => ({ method: 'GET', path: `/api/runs/${await run(actor, whose, false)}/workflow` }), expect: readWorkflow(200) },
  'GET /api/runs/:id/steps/:nodeId/items': {
    request: async (actor, whose) => {
      const id = await run(actor, whose, false);
      await h.database.pool.query(`insert into steps (run_id, node_id, status, attempt, position) values ($1, 't', 'succeeded', 1, 1)`, [id]);
      return { method: 'GET', path: `/api/runs/${id}/steps/t/items` };
    },
    expect: readWorkflow(200),
  },
  'POST /api/runs/:id/cancel': {
    request: async (actor, whose) => ({ method: 'POST', path: `/api/runs/${await run(actor, whose, false)}/cancel` }),
    expect: changeWorkflow(202),
  },
  'POST /api/runs/:id/retry': {
    request: async (actor, whose) => ({ method: 'POST', path: `/api/runs/${await run(actor, whose, true)}/retry` }),
    expect: changeWorkflow(202),
  },
};

/** Public routes: what an anonymous caller gets. */
const PUBLIC: Record<string, Request & { status: number }> = {
  'GET /api/health': { method: 'GET', path: '/api/health', status: 200 },
  'GET /api/openapi.json': { method: 'GET', path: '/api/openapi.json', status: 200 },
  'GET /api/docs': { method: 'GET', path: '/api/docs', status: 200 },
  'GET /api/docs/init.js': { method: 'GET', path: '/api/docs/init.js', status: 200 },
  'GET /api/docs/assets/:file': { method: 'GET', path: '/api/docs/assets/swagger-ui.css', status: 200 },
  'ALL /hooks/*': { method: 'POST', path: '/hooks/nobody-listens', status: 404 },
  // A resume URL's token is its authority: one that names no waiting step finds nothing.
  'GET /api/resume/:token': { method: 'GET', path: '/api/resume/not-a-token', status: 404 },
  'POST /api/resume/:token': { method: 'POST', path: '/api/resume/not-a-token', body: { decision: 'approve' }, status: 404 },
  'GET /api/setup': { method: 'GET', path: '/api/setup', status: 200 },
  'POST /api/setup': { method: 'POST', path: '/api/setup', body: { email: 'late@junction.test', name: 'Late', password: 'a long enough password' }, status: 409 },
  'POST /api/auth/sign-in': { method: 'POST', path: '/api/auth/sign-in', body: { email: 'nobody@junction.test', password: 'wrong password' }, status: 401 },
};

function routeKeys(): string[] {
  const keys = h.app.routes.filter((route) => route.path !== '/*' && route.path !== '*').map((route) => `${route.method} ${route.path}`);
  return [...new Set(keys)].sort();
}

describe('the route table', () => {
  it('has a rule and a matrix case for every route, and nothing else', () => {
    const routes = routeKeys();
    expect(routes.length).toBeGreaterThan(40);
    expect(Object.keys(RULES).sort()).toEqual(routes);
    expect([...Object.keys(CASES), ...Object.keys(PUBLIC)].sort()).toEqual(routes);
  });

  it('marks exactly the PUBLIC routes public', () => {
    const publicRules = Object.entries(RULES).filter(([, rule]) => rule.public).map(([key]) => key);
    expect(publicRules.sort()).toEqual(Object.keys(PUBLIC).sort());
  });

  it('says in the OpenAPI document what each route needs', async () => {
    const doc = (await h.call('GET', '/api/openapi.json')).body;
    expect(doc.paths['/api/workflows/{id}'].put['x-junction-capability']).toBe('workflows:write');
    expect(doc.paths['/api/audit'].get['x-junction-capability']).toBe('audit:read');
    expect(doc.paths['/api/auth/sign-in'].post.security).toEqual([]);
    expect(doc.components.securitySchemes).toMatchObject({ apiKey: { type: 'http', scheme: 'bearer' }, session: { type: 'apiKey', in: 'cookie' } });
  });
});

describe('anonymous callers', () => {
  it.each(Object.entries(PUBLIC))('%s is public', async (_key, request) => {
    const response = await h.callAs(null, request.method, request.path, request.body);
    expect(response.status).toBe(request.status);
  });

  it("get the editor's page on any path outside the API, and nothing of the API through it", async () => {
    for (const path of ['/', '/workflows/anything', '/settings/users']) {
      const page = await h.callAs(null, 'GET', path);
      expect(page.status, path).toBe(200);
      expect(page.headers.get('content-type')).toContain('text/html');
    }
    expect((await h.callAs(null, 'GET', '/api/nothing-here')).status).toBe(404);
  });

  it.each(Object.keys(CASES))('%s answers 401 without a key or a session', async (key) => {
    const request = await CASES[key]!.request(h.owner, 'own');
    const response = await h.callAs(null, request.method, request.path, request.body);
    expect(response.status).toBe(401);
    expect(response.body.error.code).toBe('unauthenticated');
  });
});

describe.each(['owner', 'admin', 'editor', 'viewer'] as const)('as %s', (role) => {
  it.each(Object.keys(CASES))('%s', async (key) => {
    const spec = CASES[key]!;
    const expected = spec.expect[role];
    const [own, other] = Array.isArray(expected) ? expected : [expected, expected];
    for (const [whose, status] of [['own', own], ['other', other]] as const) {
      const actor = actors[role];
      const request = await spec.request(actor, whose);
      const response = await h.callAs(actor.key, request.method, request.path, request.body);
      expect(response.status, `${role} ${whose}: ${request.method} ${request.path} → ${JSON.stringify(response.body)}`).toBe(status);
    }
  });
});

describe('API keys with fewer scopes than their role', () => {
  it('a runs:read key reads runs but not the graph they ran, which needs workflows:read as well', async () => {
    const key = async (scopes: string[]) => (await h.callAs(actors.viewer.key, 'POST', '/api/api-keys', { name: scopes.join(' '), scopes })).body.key as string;
    const runsOnly = await key(['runs:read']);
    const both = await key(['runs:read', 'workflows:read']);
    const id = await run(actors.viewer, 'own', false);

    expect((await h.callAs(runsOnly, 'GET', `/api/runs/${id}`)).status).toBe(200);
    const refused = await h.callAs(runsOnly, 'GET', `/api/runs/${id}/workflow`);
    expect(refused.status).toBe(403);
    expect(refused.body.error).toEqual({ code: 'forbidden', message: 'You may not do this: it needs "workflows:read", and this API key lacks the scope' });
    expect((await h.callAs(both, 'GET', `/api/runs/${id}/workflow`)).status).toBe(200);

    const doc = (await h.call('GET', '/api/openapi.json')).body;
    expect(doc.paths['/api/runs/{id}/workflow'].get['x-junction-capability']).toEqual(['runs:read', 'workflows:read']);
  });
});
