/**
 * Browser sign-in: the first-start setup, session cookies, CSRF, session fixation, the
 * sign-in limit, sign-out and password changes — through the API, as a browser would.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startHarness, type Harness } from '../testing/harness.ts';

let h: Harness;

beforeAll(async () => {
  h = await startHarness({ worker: false });
});

afterAll(async () => {
  await h?.close();
});

/** A browser: keeps the session cookie it is given and sends it back. */
class Browser {
  cookie: string | null = null;
  lastSetCookie: string | null = null;
  private readonly app: () => Harness['app'];

  constructor(cookie: string | null = null, app: () => Harness['app'] = () => h.app) {
    this.cookie = cookie;
    this.app = app;
  }

  async request(method: string, path: string, body?: unknown, headers: Record<string, string> = {}, base = 'http://localhost') {
    const init: RequestInit = { method, headers: { ...(this.cookie ? { cookie: `junction_session=${this.cookie}` } : {}), ...headers } };
    if (body !== undefined) {
      init.body = JSON.stringify(body);
      (init.headers as Record<string, string>)['content-type'] = 'application/json';
    }
    const response = await this.app().request(`${base}${path}`, init);
    this.lastSetCookie = response.headers.get('set-cookie');
    const match = this.lastSetCookie ? /junction_session=([^;]*)/.exec(this.lastSetCookie) : null;
    if (match) this.cookie = match[1] || null;
    const text = await response.text();
    return { status: response.status, body: text ? JSON.parse(text) : null, headers: response.headers };
  }

  signIn(email: string, password: string) {
    return this.request('POST', '/api/auth/sign-in', { email, password });
  }
}

describe('first start', () => {
  it('lets the first visitor create the owner, once, and signs them in', async () => {
    const fresh = await startHarness({ worker: false });
    try {
      // Empty the users the harness made, to be a Junction on its first start.
      await fresh.database.pool.query('delete from api_keys; delete from users');
      const visitor = new Browser(null, () => fresh.app);
      expect((await visitor.request('GET', '/api/setup')).body).toEqual({ needed: true });
      expect((await visitor.request('GET', '/api/workflows')).status).toBe(401);

      const weak = await visitor.request('POST', '/api/setup', { email: 'boss@shop.test', name: 'Boss', password: 'short' });
      expect(weak.status).toBe(400);
      expect(weak.body.error.path).toBe('password');

      const created = await visitor.request('POST', '/api/setup', { email: 'Boss@Shop.test', name: 'Boss', password: 'a long enough password' });
      expect(created.status).toBe(201);
      expect(created.body.user).toMatchObject({ email: 'boss@shop.test', role: 'owner' });
      expect(created.body.csrfToken).toEqual(expect.any(String));
      expect(visitor.cookie).toEqual(expect.any(String));
      expect((await visitor.request('GET', '/api/me')).body.user.role).toBe('owner');

      expect((await visitor.request('GET', '/api/setup')).body).toEqual({ needed: false });
      const second = await new Browser(null, () => fresh.app).request('POST', '/api/setup', { email: 'thief@shop.test', name: 'Thief', password: 'a long enough password' });
      expect(second.status).toBe(409);
      expect(second.body.error.code).toBe('setup_done');
    } finally {
      await fresh.close();
    }
  });
});

describe('sessions', () => {
  it('sets an HttpOnly, SameSite=Lax cookie, Secure over HTTPS', async () => {
    const browser = new Browser();
    const response = await browser.signIn(h.owner.email, h.owner.password);
    expect(response.status).toBe(200);
    expect(response.body.user).toMatchObject({ id: h.owner.id, role: 'owner' });
    expect(browser.lastSetCookie).toMatch(/HttpOnly/);
    expect(browser.lastSetCookie).toMatch(/SameSite=Lax/);
    expect(browser.lastSetCookie).toMatch(/Path=\//);
    expect(browser.lastSetCookie).not.toMatch(/Secure/);

    const secure = new Browser();
    await secure.request('POST', '/api/auth/sign-in', { email: h.owner.email, password: h.owner.password }, {}, 'https://junction.example.com');
    expect(secure.lastSetCookie).toMatch(/; Secure/);
  });

  it('tells the browser who it is, what it may do and its CSRF token', async () => {
    const editor = await h.createUser('editor');
    const browser = new Browser();
    const signedIn = await browser.signIn(editor.email, editor.password);
    const me = await browser.request('GET', '/api/me');
    expect(me.status).toBe(200);
    expect(me.body).toMatchObject({ user: { id: editor.id, role: 'editor' }, authenticatedWith: 'session', csrfToken: signedIn.body.csrfToken });
    expect(me.body.capabilities).toContain('workflows:write');
    expect(me.body.capabilities).not.toContain('credentials:write');
    expect(me.body.capabilities).not.toContain('audit:read');
  });

  it('refuses a wrong password or an unknown e-mail with the same answer', async () => {
    const wrong = await new Browser().signIn(h.owner.email, 'not the password at all');
    const unknown = await new Browser().signIn('nobody@junction.test', 'not the password at all');
    for (const response of [wrong, unknown]) {
      expect(response.status).toBe(401);
      expect(response.body.error).toEqual({ code: 'invalid_credentials', message: 'The e-mail or the password is not right' });
    }
  });

  it('signs out: the cookie is cleared and the session ends', async () => {
    const user = await h.createUser('viewer');
    const browser = new Browser();
    const { body } = await browser.signIn(user.email, user.password);
    const token = browser.cookie!;
    const out = await browser.request('POST', '/api/auth/sign-out', undefined, { 'x-csrf-token': body.csrfToken });
    expect(out.status).toBe(204);
    expect(browser.lastSetCookie).toMatch(/junction_session=;/);
    expect((await new Browser(token).request('GET', '/api/me')).status).toBe(401);
  });

  it('ends the sessions of a user who is disabled', async () => {
    const user = await h.createUser('editor');
    const browser = new Browser();
    await browser.signIn(user.email, user.password);
    expect((await browser.request('GET', '/api/me')).status).toBe(200);
    expect((await h.call('DELETE', `/api/users/${user.id}`)).status).toBe(200);
    expect((await browser.request('GET', '/api/me')).status).toBe(401);
    expect((await new Browser().signIn(user.email, user.password)).status).toBe(401);
  });
});

describe('CSRF', () => {
  it('refuses a cookie-authenticated write without the session token, with a wrong one, or with another session\'s', async () => {
    const editor = await h.createUser('editor');
    const browser = new Browser();
    const { body } = await browser.signIn(editor.email, editor.password);
    const other = new Browser();
    const otherToken = (await other.signIn(editor.email, editor.password)).body.csrfToken as string;
    const workflow = { name: 'Via cookie', graph: { nodes: [{ id: 't', type: 'trigger.manual', name: 'Start' }] } };

    for (const headers of [{}, { 'x-csrf-token': 'guessed' }, { 'x-csrf-token': otherToken }] as Record<string, string>[]) {
      const refused = await browser.request('POST', '/api/workflows', workflow, headers);
      expect(refused.status).toBe(403);
      expect(refused.body.error.code).toBe('csrf_failed');
    }
    // A form post from another site cannot set the header either.
    const form = await browser.request('POST', '/api/workflows', undefined, { 'content-type': 'application/x-www-form-urlencoded' });
    expect(form.status).toBe(403);
    expect((await h.call('GET', '/api/workflows')).body.workflows.map((w: { name: string }) => w.name)).not.toContain('Via cookie');

    const accepted = await browser.request('POST', '/api/workflows', workflow, { 'x-csrf-token': body.csrfToken });
    expect(accepted.status).toBe(201);
    expect(accepted.body.ownerId).toBe(editor.id);
    // Reads need no token; API keys need none (they are not sent by browsers on their own).
    expect((await browser.request('GET', '/api/workflows')).status).toBe(200);
    expect((await h.callAs(editor.key, 'POST', '/api/workflows', workflow)).status).toBe(201);
  });
});

describe('session fixation', () => {
  it('never adopts a session id the browser brings, and ends a planted session at sign-in', async () => {
    const victim = await h.createUser('admin');
    const attacker = await h.createUser('viewer');

    // An id the attacker made up means nothing and is replaced.
    const browser = new Browser('attacker-chosen-value');
    expect((await browser.request('GET', '/api/me')).status).toBe(401);
    await browser.signIn(victim.email, victim.password);
    expect(browser.cookie).not.toBe('attacker-chosen-value');
    expect((await new Browser('attacker-chosen-value').request('GET', '/api/me')).status).toBe(401);

    // A real session of the attacker, planted in the victim's browser, ends when the victim signs in.
    const attackerBrowser = new Browser();
    await attackerBrowser.signIn(attacker.email, attacker.password);
    const planted = attackerBrowser.cookie!;
    const victimBrowser = new Browser(planted);
    await victimBrowser.signIn(victim.email, victim.password);
    expect(victimBrowser.cookie).not.toBe(planted);
    expect((await victimBrowser.request('GET', '/api/me')).body.user.id).toBe(victim.id);
    expect((await new Browser(planted).request('GET', '/api/me')).status).toBe(401);
  });
});

describe('sign-in limit', () => {
  it('locks an account after 5 failures with a message saying for how long, and not other accounts', async () => {
    const target = await h.createUser('editor');
    const bystander = await h.createUser('editor');
    for (let i = 0; i < 5; i++) expect((await new Browser().signIn(target.email, `wrong password ${i}`)).status).toBe(401);

    const locked = await new Browser().signIn(target.email, target.password);
    expect(locked.status).toBe(429);
    expect(locked.body.error.code).toBe('sign_in_locked');
    expect(locked.body.error.message).toMatch(/^Too many failed sign-ins for this account: it is locked; try again in 1[45] minutes$/);
    expect(Number(locked.headers.get('retry-after'))).toBeGreaterThan(800);
    // API keys of the account keep working: the lock is on password guessing.
    expect((await h.callAs(target.key, 'GET', '/api/me')).status).toBe(200);
    expect((await new Browser().signIn(bystander.email, bystander.password)).status).toBe(200);

    const audit = await h.call('GET', `/api/audit?action=auth.sign_in_failed&actorEmail=${encodeURIComponent(target.email)}`);
    expect(audit.body.entries).toHaveLength(6);
    expect(audit.body.entries[0].details).toEqual({ reason: 'locked account' });
    expect(audit.body.entries[5].details).toEqual({ reason: 'wrong password' });

    // Once the failures are old enough, the account opens again.
    await h.database.pool.query(`update sign_in_failures set at = at - interval '16 minutes'`);
    expect((await new Browser().signIn(target.email, target.password)).status).toBe(200);
  });
});

describe('password change', () => {
  it('needs the current password, and ends the other sessions but not this one', async () => {
    const user = await h.createUser('editor');
    const here = new Browser();
    const { body } = await here.signIn(user.email, user.password);
    const elsewhere = new Browser();
    await elsewhere.signIn(user.email, user.password);
    const csrf = { 'x-csrf-token': body.csrfToken };

    const wrong = await here.request('POST', '/api/me/password', { currentPassword: 'not it at all', newPassword: 'a brand new password' }, csrf);
    expect(wrong.status).toBe(400);
    expect(wrong.body.error.code).toBe('wrong_password');

    const changed = await here.request('POST', '/api/me/password', { currentPassword: user.password, newPassword: 'a brand new password' }, csrf);
    expect(changed.status).toBe(204);
    expect((await here.request('GET', '/api/me')).status).toBe(200);
    expect((await elsewhere.request('GET', '/api/me')).status).toBe(401);
    expect((await new Browser().signIn(user.email, user.password)).status).toBe(401);
    expect((await new Browser().signIn(user.email, 'a brand new password')).status).toBe(200);
  });
});

describe('responses', () => {
  it('carry secure headers', async () => {
    const response = await h.call('GET', '/api/health');
    expect(response.headers.get('x-content-type-options')).toBe('nosniff');
    expect(response.headers.get('x-frame-options')).toBe('SAMEORIGIN');
    expect(response.headers.get('referrer-policy')).toBe('no-referrer');
    expect(response.headers.get('strict-transport-security')).toMatch(/max-age=/);
  });
});
