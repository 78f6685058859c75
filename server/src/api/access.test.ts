/**
 * API keys (scopes, revocation), what users may do to each other, workflow ownership
 * and sharing, mass assignment, and the audit log.
 */
import { getRequestListener } from '@hono/node-server';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startHarness, type Harness } from '../testing/harness.ts';
import { listen } from '../testing/http.ts';

let h: Harness;

beforeAll(async () => {
  h = await startHarness({ worker: false });
});

afterAll(async () => {
  await h?.close();
});

const graph = { nodes: [{ id: 't', type: 'trigger.manual', name: 'Start' }], edges: [] };

describe('API keys', () => {
  it('are shown once, listed without their value, and work as Bearer keys', async () => {
    const editor = await h.createUser('editor');
    const created = await h.callAs(editor.key, 'POST', '/api/api-keys', { name: 'ERP sync' });
    expect(created.status).toBe(201);
    expect(created.body.key).toMatch(/^jct_[A-Za-z0-9_-]{43}$/);
    expect(created.body.apiKey).toMatchObject({ name: 'ERP sync', userId: editor.id, prefix: created.body.key.slice(0, 12), lastUsedAt: null, revokedAt: null });
    expect((await h.callAs(created.body.key, 'GET', '/api/me')).body.user.id).toBe(editor.id);

    // The use is recorded without holding up the request: wait until the record lands.
    const listMine = async () => {
      const listed = await h.callAs(editor.key, 'GET', '/api/api-keys');
      expect(JSON.stringify(listed.body)).not.toContain(created.body.key);
      return listed.body.apiKeys.find((key: { id: string }) => key.id === created.body.apiKey.id);
    };
    await expect.poll(async () => (await listMine()).lastUsedAt, { timeout: 5000 }).not.toBeNull();
    const mine = await listMine();
    expect(mine.scopes).toEqual(expect.arrayContaining(['workflows:write', 'runs:read']));
  });

  it('stop working at once when revoked', async () => {
    const created = await h.call('POST', '/api/api-keys', { name: 'short-lived' });
    const key = created.body.key as string;
    expect((await h.callAs(key, 'GET', '/api/workflows')).status).toBe(200);
    expect((await h.call('DELETE', `/api/api-keys/${created.body.apiKey.id}`)).status).toBe(204);
    const after = await h.callAs(key, 'GET', '/api/workflows');
    expect(after.status).toBe(401);
    expect(after.body.error.message).toMatch(/not valid/);
    expect(after.headers.get('www-authenticate')).toMatch(/^Bearer/);
  });

  it('can do no more than their scopes, nor than their user role allows now', async () => {
    const admin = await h.createUser('admin');
    const readOnly = await h.callAs(admin.key, 'POST', '/api/api-keys', { name: 'reader', scopes: ['workflows:read'] });
    expect(readOnly.status).toBe(201);
    expect((await h.callAs(readOnly.body.key, 'GET', '/api/workflows')).status).toBe(200);
    const refused = await h.callAs(readOnly.body.key, 'POST', '/api/workflows', { name: 'x', graph });
    expect(refused.status).toBe(403);
    expect(refused.body.error.message).toMatch(/this API key lacks the scope/);
    // A key cannot make a wider key.
    const wider = await h.callAs(readOnly.body.key, 'POST', '/api/api-keys', { name: 'wider', scopes: ['workflows:write'] });
    expect(wider.status).toBe(403); // it lacks api-keys:manage, too

    const full = await h.callAs(admin.key, 'POST', '/api/api-keys', { name: 'full' });
    expect((await h.callAs(full.body.key, 'POST', '/api/workflows', { name: 'by admin', graph })).status).toBe(201);
    // Demoted to viewer: the same key now reads only.
    expect((await h.call('PUT', `/api/users/${admin.id}`, { role: 'viewer' })).status).toBe(200);
    expect((await h.callAs(full.body.key, 'POST', '/api/workflows', { name: 'no more', graph })).status).toBe(403);
    expect((await h.callAs(full.body.key, 'GET', '/api/me')).body.capabilities).toEqual(['workflows:read', 'runs:read', 'node-types:read', 'api-keys:manage']);
  });

  it('refuse scopes wider than the role', async () => {
    const editor = await h.createUser('editor');
    const response = await h.callAs(editor.key, 'POST', '/api/api-keys', { name: 'greedy', scopes: ['workflows:read', 'credentials:write', 'audit:read'] });
    expect(response.status).toBe(400);
    expect(response.body.error).toMatchObject({ code: 'scope_too_wide', path: 'scopes' });
    expect(response.body.error.message).toContain('credentials:write, audit:read');
  });

  it('stop with their user: a disabled user\'s keys are revoked', async () => {
    const viewer = await h.createUser('viewer');
    expect((await h.callAs(viewer.key, 'GET', '/api/runs')).status).toBe(200);
    await h.call('DELETE', `/api/users/${viewer.id}`);
    expect((await h.callAs(viewer.key, 'GET', '/api/runs')).status).toBe(401);
    await h.call('POST', `/api/users/${viewer.id}/enable`);
    expect((await h.callAs(viewer.key, 'GET', '/api/runs')).status).toBe(401);
  });

  it('refuse a malformed Authorization header', async () => {
    const response = await h.callAs(null, 'GET', '/api/workflows', undefined, { authorization: 'Basic Zm9vOmJhcg==' });
    expect(response.status).toBe(401);
    expect(response.body.error.message).toContain('Bearer <API key>');
  });
});

describe('users', () => {
  it('admins cannot touch the owner, nor make another owner', async () => {
    const admin = await h.createUser('admin');
    for (const [method, path, body] of [
      ['PUT', `/api/users/${h.owner.id}`, { name: 'Demoted?' }],
      ['DELETE', `/api/users/${h.owner.id}`, undefined],
    ] as const) {
      const response = await h.callAs(admin.key, method, path, body);
      expect(response.status, `${method} ${path}`).toBe(403);
    }
    const ownerKey = (await h.call('GET', '/api/api-keys')).body.apiKeys[0].id;
    expect((await h.callAs(admin.key, 'DELETE', `/api/api-keys/${ownerKey}`)).status).toBe(403);
    const second = await h.callAs(admin.key, 'POST', '/api/users', { email: 'two@junction.test', name: 'Two', role: 'owner', password: 'a long enough password' });
    expect(second.status).toBe(400);
    const promote = await h.call('PUT', `/api/users/${admin.id}`, { role: 'owner' });
    expect(promote.status).toBe(400);
    expect((await h.call('GET', `/api/users/${h.owner.id}`)).body.role).toBe('owner');
  });

  it('refuse a second user with the same e-mail', async () => {
    const first = await h.call('POST', '/api/users', { email: 'Same@Junction.test', name: 'One', role: 'editor', password: 'a long enough password' });
    expect(first.status).toBe(201);
    expect(first.body.email).toBe('same@junction.test');
    const again = await h.call('POST', '/api/users', { email: 'same@junction.TEST', name: 'Two', role: 'viewer', password: 'a long enough password' });
    expect(again.status).toBe(409);
    expect(again.body.error.code).toBe('email_taken');
    expect(JSON.stringify(first.body)).not.toMatch(/password|scrypt/i);
  });
});

describe('mass assignment', () => {
  it('refuses ids, roles, owners and timestamps in user, key and credential bodies', async () => {
    const editor = await h.createUser('editor');
    const attempts: [string, string, string, Record<string, unknown>, string][] = [
      [editor.key, 'POST', '/api/api-keys', { name: 'k', userId: h.owner.id }, 'userId'],
      [editor.key, 'POST', '/api/api-keys', { name: 'k', revokedAt: null, id: '00000000-0000-4000-8000-000000000000' }, 'revokedAt'],
      [h.owner.key, 'POST', '/api/users', { email: 'm@junction.test', name: 'M', role: 'viewer', password: 'a long enough password', id: h.owner.id }, 'id'],
      [h.owner.key, 'PUT', `/api/users/${editor.id}`, { disabledAt: null, createdAt: '2020-01-01T00:00:00Z' }, 'disabledAt'],
      [h.owner.key, 'POST', '/api/credentials', { name: 'c', type: 'hmacSecret', data: { secret: 'long enough secret' }, ownerId: editor.id }, 'ownerId'],
      [h.owner.key, 'POST', '/api/credentials', { name: 'c', type: 'hmacSecret', data: { secret: 'long enough secret', extra: 1 } }, 'data'],
      [h.owner.key, 'POST', '/api/setup', { email: 'x@junction.test', name: 'X', password: 'a long enough password', role: 'viewer' }, 'role'],
    ];
    for (const [key, method, path, body, field] of attempts) {
      const response = await h.callAs(key, method, path, body);
      expect(response.status, `${method} ${path} with ${field}`).toBe(400);
      expect(response.body.error.message, `${method} ${path}`).toMatch(new RegExp(`Unrecognized key|${field}`));
    }
    // A password changes with a session only (an API key gets 403 before its body is read).
    const signedIn = await h.app.request('/api/auth/sign-in', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ email: editor.email, password: editor.password }) });
    const session = { cookie: /junction_session=[^;]+/.exec(signedIn.headers.get('set-cookie')!)![0], 'x-csrf-token': (await signedIn.json()).csrfToken };
    const someoneElses = await h.callAs(null, 'POST', '/api/me/password', { currentPassword: editor.password, newPassword: 'a long enough password', userId: h.owner.id }, session);
    expect(someoneElses.status).toBe(400);
    expect(someoneElses.body.error.message).toMatch(/Unrecognized key|userId/);
    expect((await h.call('GET', `/api/users/${editor.id}`)).body).toMatchObject({ role: 'editor', disabled: false });
  });

  it('ignores read-only fields in workflow bodies (the owner, id, version and state stay the server\'s) and refuses unknown ones', async () => {
    const editor = await h.createUser('editor');
    const stranger = await h.createUser('editor');
    const created = await h.callAs(editor.key, 'POST', '/api/workflows', {
      name: 'Mine',
      graph,
      id: '00000000-0000-4000-8000-000000000000',
      ownerId: stranger.id,
      active: true,
      version: 42,
      createdAt: '2001-01-01T00:00:00.000Z',
    });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({ ownerId: editor.id, active: false, version: 1 });
    expect(created.body.id).not.toBe('00000000-0000-4000-8000-000000000000');
    expect(created.body.createdAt).not.toBe('2001-01-01T00:00:00.000Z');

    const changed = await h.callAs(editor.key, 'PUT', `/api/workflows/${created.body.id}`, { ...created.body, ownerId: stranger.id, active: true, version: 9 });
    expect(changed.status).toBe(200);
    expect(changed.body).toMatchObject({ ownerId: editor.id, active: false, version: 2 });
    // Any other field is refused rather than dropped, so nothing the sender meant is lost.
    const unknown = await h.callAs(editor.key, 'PUT', `/api/workflows/${created.body.id}`, { ...changed.body, shares: [stranger.id] });
    expect(unknown.status).toBe(400);
    expect(unknown.body.error.path).toBe('shares');
    expect((await h.callAs(stranger.key, 'GET', `/api/workflows/${created.body.id}`)).status).toBe(404);
  });
});

describe('workflow ownership and sharing', () => {
  it('editors see their own and shared workflows and runs; viewers see all and change none', async () => {
    const alice = await h.createUser('editor');
    const bob = await h.createUser('editor');
    const viewer = await h.createUser('viewer');
    const id = (await h.callAs(alice.key, 'POST', '/api/workflows', { name: "Alice's flow", graph })).body.id as string;
    const runId = (await h.callAs(alice.key, 'POST', `/api/workflows/${id}/run`, {})).body.runId as string;

    const names = async (key: string) => (await h.callAs(key, 'GET', '/api/workflows')).body.workflows.map((w: { id: string }) => w.id);
    const runIds = async (key: string) => (await h.callAs(key, 'GET', '/api/runs')).body.runs.map((r: { id: string }) => r.id);
    expect(await names(alice.key)).toEqual([id]);
    expect(await names(bob.key)).toEqual([]);
    expect(await runIds(bob.key)).toEqual([]);
    expect(await names(viewer.key)).toContain(id);
    expect(await runIds(viewer.key)).toContain(runId);

    // Bob may not share Alice's flow with himself; Alice may.
    expect((await h.callAs(bob.key, 'PUT', `/api/workflows/${id}/shares`, { userIds: [bob.id] })).status).toBe(404);
    const shared = await h.callAs(alice.key, 'PUT', `/api/workflows/${id}/shares`, { userIds: [bob.id] });
    expect(shared.status).toBe(200);
    expect(shared.body.users).toEqual([{ id: bob.id, email: bob.email, name: expect.any(String) }]);
    expect(await names(bob.key)).toEqual([id]);
    expect(await runIds(bob.key)).toEqual([runId]);
    expect((await h.callAs(bob.key, 'PUT', `/api/workflows/${id}`, { name: 'Edited by Bob' })).status).toBe(200);
    // Sharing is the owner's (or an admin's) to change, not Bob's.
    expect((await h.callAs(bob.key, 'PUT', `/api/workflows/${id}/shares`, { userIds: [] })).status).toBe(403);
    // So is deleting it: Bob may change and run it, not make it disappear for Alice.
    const deleted = await h.callAs(bob.key, 'DELETE', `/api/workflows/${id}`);
    expect(deleted.status).toBe(403);
    expect(deleted.body.error.message).toContain('may delete it');
    expect((await h.callAs(alice.key, 'GET', `/api/workflows/${id}`)).status).toBe(200);
    expect((await h.callAs(viewer.key, 'PUT', `/api/workflows/${id}`, { name: 'Viewer edit' })).status).toBe(403);
    const unknown = await h.callAs(alice.key, 'PUT', `/api/workflows/${id}/shares`, { userIds: ['00000000-0000-4000-8000-000000000000'] });
    expect(unknown.status).toBe(400);
    expect(unknown.body.error.path).toBe('userIds[0]');
  });
});

describe('the audit log', () => {
  it('records who did what from where, and filters and pages it', async () => {
    const server = await listen(getRequestListener(h.app.fetch));
    try {
      const editor = await h.createUser('editor');
      const auth = { authorization: `Bearer ${editor.key}`, 'content-type': 'application/json', 'user-agent': 'audit-test/1.0' };
      const created = await (await fetch(`${server.url}/api/workflows`, { method: 'POST', headers: auth, body: JSON.stringify({ name: 'Audited', graph }) })).json();
      await fetch(`${server.url}/api/workflows/${created.id}/activate`, { method: 'POST', headers: auth });
      await fetch(`${server.url}/api/workflows/${created.id}/export`, { headers: auth });
      await fetch(`${server.url}/api/workflows/${created.id}/run`, { method: 'POST', headers: auth, body: '{}' });
      await fetch(`${server.url}/api/workflows/${created.id}`, { method: 'DELETE', headers: auth });

      const entries = (await h.call('GET', `/api/audit?resourceType=workflow&resourceId=${created.id}`)).body.entries;
      expect(entries.map((e: { action: string }) => e.action)).toEqual(['workflow.delete', 'workflow.run', 'workflow.export', 'workflow.activate', 'workflow.create']);
      for (const entry of entries) {
        expect(entry).toMatchObject({ actorId: editor.id, actorEmail: editor.email, ip: '127.0.0.1', userAgent: 'audit-test/1.0' });
        expect(entry.apiKeyId).toEqual(expect.any(String));
      }

      const byActor = await h.call('GET', `/api/audit?actorId=${editor.id}&action=workflow.export`);
      expect(byActor.body.entries).toHaveLength(1);
      const future = await h.call('GET', `/api/audit?actorId=${editor.id}&from=${encodeURIComponent(new Date(Date.now() + 60_000).toISOString())}`);
      expect(future.body.entries).toEqual([]);
      const past = await h.call('GET', `/api/audit?actorId=${editor.id}&to=${encodeURIComponent(new Date(Date.now() - 3_600_000).toISOString())}`);
      expect(past.body.entries).toEqual([]);

      const first = await h.call('GET', `/api/audit?actorId=${editor.id}&limit=2`);
      const second = await h.call('GET', `/api/audit?actorId=${editor.id}&limit=2&cursor=${first.body.nextCursor}`);
      const third = await h.call('GET', `/api/audit?actorId=${editor.id}&limit=2&cursor=${second.body.nextCursor}`);
      const ids = [...first.body.entries, ...second.body.entries, ...third.body.entries].map((e: { id: number }) => e.id);
      expect(ids).toEqual([...ids].sort((a, b) => b - a));
      expect(new Set(ids).size).toBe(5);
      expect((await h.call('GET', '/api/audit?cursor=not-ours')).status).toBe(400);
      expect((await h.call('GET', '/api/audit?whatever=1')).status).toBe(400);
    } finally {
      await server.close();
    }
  });

  it('records user and key management', async () => {
    const created = await h.call('POST', '/api/users', { email: 'audited@junction.test', name: 'Audited', role: 'viewer', password: 'a long enough password' });
    await h.call('PUT', `/api/users/${created.body.id}`, { role: 'editor', password: 'another long password' });
    const entries = (await h.call('GET', `/api/audit?resourceType=user&resourceId=${created.body.id}`)).body.entries;
    expect(entries.map((e: { action: string }) => e.action)).toEqual(['user.update', 'user.create']);
    expect(entries[0].details).toEqual({ changed: ['password', 'role'] });
    expect(JSON.stringify(entries)).not.toContain('another long password');
  });
});
