/**
 * Browser sign-in: the first-start setup, session cookies, CSRF, session fixation, the
 * sign-in limit, sign-out and password changes — through the API, as a browser would.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startHarness, type Harness } from '../testing/harness.ts';
import { loadConfig } from '../config.ts';
import { securityOptions } from './app.ts';
import { forwardedClient } from './request.ts';

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

/** Makes every counted failure older, as if that much time had passed. */
const age = (database: Harness['database'], seconds: number) => database.pool.query(`update sign_in_failures set at = at - make_interval(secs => $1)`, [seconds]);

describe('sign-in limit', () => {
  it('counts attempts sent all at once: of 60 wrong passwords in parallel, 5 are checked', async () => {
    const target = await h.createUser('editor');
    const started = performance.now();
    const answers = await Promise.all(Array.from({ length: 60 }, (_, i) => new Browser().signIn(target.email, `wrong password ${i}`)));
    const seconds = (performance.now() - started) / 1000;
    const statuses = answers.map((answer) => answer.status);
    const audited = await h.call('GET', `/api/audit?action=auth.sign_in_failed&actorEmail=${encodeURIComponent(target.email)}&limit=100`);
    // Five, and one more for each wait (1 s, 2 s, 4 s, ...) that ended while the others queued.
    const checked = statuses.filter((status) => status === 401).length;
    expect(checked).toBeGreaterThanOrEqual(5);
    expect(checked).toBeLessThanOrEqual(5 + Math.floor(Math.log2(seconds + 1)));
    expect(statuses.filter((status) => status === 429)).toHaveLength(60 - checked);
    // One entry per wrong password, and one per wait: not 60.
    expect(audited.body.entries.filter((entry: { details: { reason: string } }) => entry.details.reason === 'wrong password')).toHaveLength(checked);
    expect(audited.body.entries.filter((entry: { details: { reason: string } }) => entry.details.reason === 'locked account').length).toBeLessThanOrEqual(checked - 4);
    for (const refused of answers.filter((answer) => answer.status === 429)) {
      expect(refused.body.error.code).toBe('sign_in_locked');
      expect(Number(refused.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
      expect(Number(refused.headers.get('retry-after'))).toBeLessThanOrEqual(30);
    }
    // The rightful owner, after the wait, gets in.
    const early = await new Browser().signIn(target.email, target.password);
    expect(early.status).toBe(429);
    await new Promise((resolve) => setTimeout(resolve, Number(early.headers.get('retry-after')) * 1000 + 100));
    expect((await new Browser().signIn(target.email, target.password)).status).toBe(200);
  });

  it('slows an account down with waits doubling up to 30 s, never locking it, and not other accounts', async () => {
    const target = await h.createUser('editor');
    const bystander = await h.createUser('editor');
    for (let i = 0; i < 5; i++) expect((await new Browser().signIn(target.email, `wrong password ${i}`)).status).toBe(401);

    const waits: number[] = [];
    for (let i = 0; i < 7; i++) {
      const refused = await new Browser().signIn(target.email, target.password);
      expect(refused.status).toBe(429);
      expect(refused.body.error.message).toMatch(/^Too many wrong passwords for this account: wait \d+ seconds? before signing in again$/);
      waits.push(Number(refused.headers.get('retry-after')));
      // Refused attempts neither count nor lengthen the wait.
      expect(Number((await new Browser().signIn(target.email, 'another guess')).headers.get('retry-after'))).toBe(waits.at(-1));
      await age(h.database, 31);
      expect((await new Browser().signIn(target.email, `wrong again ${i}`)).status).toBe(401);
    }
    expect(waits).toEqual([1, 2, 4, 8, 16, 30, 30]);
    // API keys of the account keep working: the limit is on password guessing.
    expect((await h.callAs(target.key, 'GET', '/api/me')).status).toBe(200);
    expect((await new Browser().signIn(bystander.email, bystander.password)).status).toBe(200);

    // Each wrong password is in the audit log, and each wait once, however many attempts came too soon.
    const audit = await h.call('GET', `/api/audit?action=auth.sign_in_failed&actorEmail=${encodeURIComponent(target.email)}&limit=100`);
    const reasons = audit.body.entries.map((entry: { details: { reason: string } }) => entry.details.reason);
    expect(reasons.filter((reason: string) => reason === 'locked account')).toHaveLength(7);
    expect(reasons.filter((reason: string) => reason === 'wrong password')).toHaveLength(12);

    // The right password after the wait: in, and the account's failures forgiven.
    await age(h.database, 31);
    expect((await new Browser().signIn(target.email, target.password)).status).toBe(200);
    for (let i = 0; i < 5; i++) expect((await new Browser().signIn(target.email, `fresh wrong ${i}`)).status).toBe(401);
    expect((await new Browser().signIn(target.email, target.password)).status).toBe(429);
  });
});

describe('behind a reverse proxy', () => {
  let proxied: Harness;
  beforeAll(async () => {
    proxied = await startHarness({ worker: false, proxy: { trustProxy: true } });
  });
  afterAll(async () => {
    await proxied?.close();
  });

  it('takes the address the proxy saw, not what the client wrote further left, and only slows that address down', async () => {
    const user = await proxied.createUser('editor');
    const browser = (ip: string) => {
      const b = new Browser(null, () => proxied.app);
      return (email: string, password: string) => b.request('POST', '/api/auth/sign-in', { email, password }, { 'x-forwarded-for': ip });
    };
    // 30 anonymous failures from one address, each claiming another origin on the left.
    for (let i = 0; i < 30; i++) {
      const failed = await browser(`10.9.${i}.1, 198.51.100.7`)(`nobody-${i}@junction.test`, 'not a password');
      expect(failed.status).toBe(401);
    }
    const audit = await proxied.call('GET', '/api/audit?action=auth.sign_in_failed&limit=1');
    expect(audit.body.entries[0].ip).toBe('198.51.100.7');

    // Everyone behind that address is slowed down, for seconds, not locked out.
    const slowed = await browser('203.0.113.50, 198.51.100.7')(user.email, user.password);
    expect(slowed.status).toBe(429);
    expect(slowed.body.error.message).toMatch(/from this address: wait \d+ seconds? before signing in again$/);
    expect(Number(slowed.headers.get('retry-after'))).toBeLessThanOrEqual(30);
    // Another address is not.
    expect((await browser('198.51.100.8')(user.email, user.password)).status).toBe(200);
    await age(proxied.database, 31);
    expect((await browser('198.51.100.7')(user.email, user.password)).status).toBe(200);
  });

  it('reads X-Forwarded-For through the configured number of proxies', () => {
    expect(forwardedClient('6.6.6.6, 198.51.100.7', 1)).toBe('198.51.100.7');
    expect(forwardedClient('6.6.6.6, 198.51.100.7, 10.0.0.2', 2)).toBe('198.51.100.7');
    expect(forwardedClient('198.51.100.7', 2)).toBe('198.51.100.7');
    expect(forwardedClient(' 198.51.100.7 ', 1)).toBe('198.51.100.7');
    expect(forwardedClient(undefined, 1)).toBeNull();
    expect(forwardedClient('', 1)).toBeNull();
    // JUNCTION_TRUST_PROXY_HOPS: 1 unless set, between 1 and 10.
    expect(securityOptions(loadConfig({ JUNCTION_TRUST_PROXY: 'true' }), h.security.keyring)).toMatchObject({ trustProxy: true, proxyHops: 1 });
    expect(securityOptions(loadConfig({ JUNCTION_TRUST_PROXY: 'true', JUNCTION_TRUST_PROXY_HOPS: '2' }), h.security.keyring).proxyHops).toBe(2);
    expect(() => loadConfig({ JUNCTION_TRUST_PROXY_HOPS: '0' })).toThrow(/JUNCTION_TRUST_PROXY_HOPS/);
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

  it('is refused to API keys, even one with every scope', async () => {
    const user = await h.createUser('editor');
    const readRuns = (await h.callAs(user.key, 'POST', '/api/api-keys', { name: 'runs only', scopes: ['runs:read'] })).body.key as string;
    for (const key of [user.key, readRuns]) {
      const refused = await h.callAs(key, 'POST', '/api/me/password', { currentPassword: user.password, newPassword: 'taken over by a key' });
      expect(refused.status).toBe(403);
      expect(refused.body.error).toMatchObject({ code: 'forbidden', message: expect.stringMatching(/not an API key/) });
    }
    expect((await new Browser().signIn(user.email, user.password)).status).toBe(200);
    const doc = (await h.call('GET', '/api/openapi.json')).body;
    expect(doc.paths['/api/me/password'].post.security).toEqual([{ session: [] }]);
  });

  it('counts wrong current passwords with wrong sign-ins, and records each in the audit log', async () => {
    const user = await h.createUser('editor');
    const here = new Browser();
    const csrf = { 'x-csrf-token': (await here.signIn(user.email, user.password)).body.csrfToken };
    const change = (currentPassword: string) => here.request('POST', '/api/me/password', { currentPassword, newPassword: 'a brand new password' }, csrf);
    for (let i = 0; i < 3; i++) expect((await change(`guess ${i}`)).status).toBe(400);
    for (let i = 0; i < 2; i++) expect((await new Browser().signIn(user.email, `guess at the door ${i}`)).status).toBe(401);

    const slowed = await change(user.password);
    expect(slowed.status).toBe(429);
    expect(slowed.body.error.message).toMatch(/^Too many wrong passwords for this account: wait 1 second before trying again$/);
    expect(slowed.headers.get('retry-after')).toBe('1');

    const audit = await h.call('GET', `/api/audit?action=user.password_failed&actorId=${user.id}`);
    expect(audit.body.entries.map((entry: { details: { reason: string } }) => entry.details.reason)).toEqual(['locked account', 'wrong password', 'wrong password', 'wrong password']);
    expect(audit.body.entries[0].resourceId).toBe(user.id);

    await age(h.database, 2);
    expect((await change(user.password)).status).toBe(204);
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
