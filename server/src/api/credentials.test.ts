/**
 * The credentials vault through the API: stored sealed, never returned, edited field by
 * field, shared with editors, referenced by workflows — and "test connection" for every
 * type against real servers: the local PostgreSQL and MariaDB, an SMTP server and HTTP
 * servers started here.
 */
import { randomBytes } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import mysql from 'mysql2/promise';
import { SMTPServer } from 'smtp-server';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { configureOutbound } from '@junction/nodes/outbound';
import { loadConfig, outboundSettings } from '../config.ts';
import { startHarness, type Harness } from '../testing/harness.ts';
import { listen, type LocalServer } from '../testing/http.ts';

let h: Harness;
let http: LocalServer;
let smtp: SMTPServer;
let smtpPort: number;
let mariadb: mysql.Connection;
const suffix = randomBytes(4).toString('hex');
const MYSQL_USER = `junction_cred_${suffix}`;
const MYSQL_PASSWORD = `maria-${randomBytes(8).toString('hex')}`;
const TOKEN = `bearer-${randomBytes(12).toString('hex')}`;
const CLIENT_SECRET = `client-secret-${randomBytes(8).toString('hex')}`;

const authOf = (req: IncomingMessage) => req.headers.authorization ?? '';

beforeAll(async () => {
  h = await startHarness({ worker: false });
  http = await listen((req, res) => {
    const url = req.url ?? '';
    let body = '';
    req.on('data', (chunk) => (body += chunk));
    req.on('end', () => {
      if (url === '/token') {
        const expected = `Basic ${Buffer.from(`shop-client:${CLIENT_SECRET}`).toString('base64')}`;
        if (authOf(req) !== expected || !body.includes('grant_type=client_credentials')) {
          res.writeHead(401, { 'content-type': 'application/json' });
          return res.end(JSON.stringify({ error: 'invalid_client', echoed: authOf(req) }));
        }
        res.writeHead(200, { 'content-type': 'application/json' });
        return res.end(JSON.stringify({ access_token: 'issued-access-token', token_type: 'Bearer', expires_in: 3600 }));
      }
      const ok =
        (url === '/bearer' && authOf(req) === `Bearer ${TOKEN}`) ||
        (url === '/header' && req.headers['x-api-key'] === TOKEN) ||
        (url === '/basic' && authOf(req) === `Basic ${Buffer.from(`erp:${TOKEN}`).toString('base64')}`) ||
        (url === '/oauth' && authOf(req) === 'Bearer issued-access-token');
      // A careless server quotes what it was sent: the test must not pass it on.
      res.writeHead(ok ? 200 : 401, { 'content-type': 'text/plain' });
      res.end(ok ? 'welcome' : `denied: ${authOf(req)} ${req.headers['x-api-key'] ?? ''}`);
    });
  });
  smtp = new SMTPServer({
    authOptional: false,
    allowInsecureAuth: true,
    disabledCommands: ['STARTTLS'],
    onAuth(auth, _session, callback) {
      if (auth.username === 'mailer' && auth.password === TOKEN) return callback(null, { user: 'mailer' });
      callback(new Error(`Invalid login for ${auth.username}`));
    },
  });
  await new Promise<void>((resolve) => smtp.listen(0, '127.0.0.1', resolve));
  smtpPort = (smtp.server.address() as { port: number }).port;
  mariadb = await mysql.createConnection({ host: '127.0.0.1', port: 3306, user: 'root' });
  await mariadb.query(`create user '${MYSQL_USER}'@'%' identified by '${MYSQL_PASSWORD}'`);
});

afterAll(async () => {
  await mariadb?.query(`drop user if exists '${MYSQL_USER}'@'%'`);
  await mariadb?.end();
  await new Promise<void>((resolve) => (smtp ? smtp.close(() => resolve()) : resolve()));
  await http?.close();
  await h?.close();
});

async function store(type: string, data: Record<string, unknown>, extra: Record<string, unknown> = {}) {
  const response = await h.call('POST', '/api/credentials', { name: `${type} ${randomBytes(3).toString('hex')}`, type, data, ...extra });
  expect(response.status, JSON.stringify(response.body)).toBe(201);
  return response.body;
}

describe('storing', () => {
  it('keeps secrets sealed at rest and never returns them', async () => {
    const secret = `pg-${randomBytes(10).toString('hex')}`;
    const created = await store('postgres', { host: '127.0.0.1', database: 'postgres', user: 'postgres', password: secret });
    expect(created).toMatchObject({ type: 'postgres', ownerId: h.owner.id, secretsSet: ['password'], fields: { host: '127.0.0.1', port: 5432, database: 'postgres', user: 'postgres', ssl: 'disable' } });
    expect(created.fields).not.toHaveProperty('password');

    const reads = [await h.call('GET', `/api/credentials/${created.id}`), await h.call('GET', '/api/credentials')];
    for (const read of reads) {
      expect(read.status).toBe(200);
      expect(JSON.stringify(read.body)).not.toContain(secret);
    }
    const row = (await h.database.pool.query('select * from credentials where id = $1', [created.id])).rows[0];
    expect(JSON.stringify(row)).not.toContain(secret);
    expect(row.key_id).toBe(h.security.keyring.currentId);
    expect(Buffer.from(row.sealed, 'base64').length).toBeGreaterThan(12 + 16);
  });

  it('describes each type with a JSON Schema, secrets marked writeOnly', async () => {
    const { body } = await h.call('GET', '/api/credential-types');
    const types = Object.fromEntries(body.credentialTypes.map((t: { type: string }) => [t.type, t]));
    expect(Object.keys(types).sort()).toEqual(['hmacSecret', 'httpBasic', 'httpBearer', 'httpHeader', 'mysql', 'oauth2ClientCredentials', 'postgres', 'smtp']);
    expect(types.httpBasic.schema.properties.password.writeOnly).toBe(true);
    expect(types.httpBasic.schema.properties.username.writeOnly).toBeUndefined();
    expect(types.oauth2ClientCredentials.secretFields).toEqual(['clientSecret']);
  });

  it('replaces the fields sent and keeps the others; null removes an optional one', async () => {
    const created = await store('mysql', { host: 'db.example.com', user: MYSQL_USER, password: MYSQL_PASSWORD });
    const moved = await h.call('PUT', `/api/credentials/${created.id}`, { data: { host: '127.0.0.1' } });
    expect(moved.status).toBe(200);
    expect(moved.body.fields.host).toBe('127.0.0.1');
    expect(moved.body.secretsSet).toEqual(['password']);
    // The password was kept: the connection works with it.
    expect((await h.call('POST', `/api/credentials/${created.id}/test`, {})).body).toMatchObject({ ok: true });

    const cleared = await h.call('PUT', `/api/credentials/${created.id}`, { data: { password: null } });
    expect(cleared.body.secretsSet).toEqual([]);
    const bad = await h.call('PUT', `/api/credentials/${created.id}`, { data: { port: 'three thousand' } });
    expect(bad.status).toBe(400);
    expect(bad.body.error.path).toBe('data.port');
    expect(bad.body.error.message).not.toContain('three thousand');
    const typeChange = await h.call('PUT', `/api/credentials/${created.id}`, { type: 'postgres' });
    expect(typeChange.status).toBe(400);
  });

  it('refuses data that does not fit the type, naming the field', async () => {
    const response = await h.call('POST', '/api/credentials', { name: 'x', type: 'oauth2ClientCredentials', data: { tokenUrl: 'ftp://x', clientId: 'a', clientSecret: 'b' } });
    expect(response.status).toBe(400);
    expect(response.body.error).toMatchObject({ code: 'invalid_credential', path: 'data.tokenUrl' });
  });

  it('refuses a header value or token HTTP headers cannot carry, naming the character', async () => {
    const euro = await h.call('POST', '/api/credentials', { name: 'eu', type: 'httpHeader', data: { name: 'X-Api-Key', value: 'key-5€' } });
    expect(euro.status).toBe(400);
    expect(euro.body.error).toMatchObject({ code: 'invalid_credential', path: 'data.value' });
    expect(euro.body.error.message).toContain('a character HTTP headers cannot carry (€)');
    const newline = await h.call('POST', '/api/credentials', { name: 'nl', type: 'httpBearer', data: { token: 'abc\ndef' } });
    expect(newline.status).toBe(400);
    expect(newline.body.error).toMatchObject({ path: 'data.token' });
    expect(newline.body.error.message).toContain('(U+000A)');
    // Latin-1 letters fit in a header; a basic auth password is sent base64-encoded, so any text does.
    expect((await h.call('POST', '/api/credentials', { name: 'latin', type: 'httpHeader', data: { name: 'X-Api-Key', value: 'clé-ß' } })).status).toBe(201);
    expect((await h.call('POST', '/api/credentials', { name: 'basic', type: 'httpBasic', data: { username: 'erp', password: 'pässwörd€' } })).status).toBe(201);
    const created = await h.call('POST', '/api/credentials', { name: 'edit', type: 'httpBearer', data: { token: 'fine' } });
    const edited = await h.call('PUT', `/api/credentials/${created.body.id}`, { data: { token: '令牌' } });
    expect(edited.status).toBe(400);
    expect(edited.body.error.message).toContain('(令)');
  });
});

describe('sharing and references', () => {
  it('editors see and use only the credentials shared with them', async () => {
    const editor = await h.createUser('editor');
    const shared = await store('httpBearer', { token: TOKEN }, { sharedWith: [editor.id] });
    const private_ = await store('httpBearer', { token: TOKEN });
    const webhookSecret = await store('hmacSecret', { secret: 'signing secret here' }, { sharedWith: [editor.id] });

    const listed = (await h.callAs(editor.key, 'GET', '/api/credentials')).body.credentials.map((c: { id: string }) => c.id).sort();
    expect(listed).toEqual([shared.id, webhookSecret.id].sort());
    expect((await h.callAs(editor.key, 'GET', `/api/credentials/${private_.id}`)).status).toBe(404);
    expect((await h.callAs(editor.key, 'PUT', `/api/credentials/${shared.id}`, { name: 'mine now' })).status).toBe(403);

    const call = (credential: string) => ({
      name: 'Call',
      graph: {
        nodes: [
          { id: 't', type: 'trigger.manual', name: 'Start' },
          { id: 'c', type: 'connector.http', name: 'Call', params: { url: `${http.url}/bearer`, credential } },
        ],
        edges: [{ source: 't', target: 'c' }],
      },
    });
    expect((await h.callAs(editor.key, 'POST', '/api/workflows', call(shared.id))).status).toBe(201);
    const refused = await h.callAs(editor.key, 'POST', '/api/workflows', call(private_.id));
    expect(refused.status).toBe(400);
    expect(refused.body.error).toMatchObject({ code: 'unknown_credential', path: 'graph.nodes[1].params.credential' });
    const wrongType = await h.callAs(editor.key, 'POST', '/api/workflows', call(webhookSecret.id));
    expect(wrongType.status).toBe(400);
    expect(wrongType.body.error.message).toContain('is a hmacSecret credential; this needs httpHeader or httpBearer or httpBasic or oauth2ClientCredentials');
    const missing = await h.callAs(editor.key, 'POST', '/api/workflows', call('00000000-0000-4000-8000-000000000000'));
    expect(missing.status).toBe(400);

    // An admin editing the editor's workflow may not slip in a credential its owner cannot use.
    const workflowId = (await h.callAs(editor.key, 'POST', '/api/workflows', call(shared.id))).body.id;
    const slipped = await h.call('PUT', `/api/workflows/${workflowId}`, call(private_.id));
    expect(slipped.status).toBe(400);
    expect(slipped.body.error.message).toMatch(/the workflow's owner \(.*\) may not use/);

    // The admin's workflow with the private credential, shared with the editor: runnable by
    // them, not changeable (that would choose where the credential goes), and they are told why.
    const adminsId = (await h.call('POST', '/api/workflows', call(private_.id))).body.id;
    expect((await h.call('PUT', `/api/workflows/${adminsId}/shares`, { userIds: [editor.id] })).status).toBe(200);
    expect((await h.callAs(editor.key, 'POST', `/api/workflows/${adminsId}/run`, {})).status).toBe(202);
    const renamed = await h.callAs(editor.key, 'PUT', `/api/workflows/${adminsId}`, { ...call(private_.id), name: 'Renamed by the editor' });
    expect(renamed.status).toBe(400);
    expect(renamed.body.error).toMatchObject({ code: 'credential_not_shared', path: 'graph.nodes[1].params.credential' });
    expect(renamed.body.error.message).toContain('an admin can share that credential with you');
    // A rename alone does not touch the graph, so it is allowed.
    expect((await h.callAs(editor.key, 'PUT', `/api/workflows/${adminsId}`, { name: 'Renamed by the editor' })).status).toBe(200);
  });
});

describe('test connection', () => {
  const test = async (type: string, data: Record<string, unknown>, url?: string) => {
    const response = await h.call('POST', '/api/credentials/test', { type, data, ...(url ? { url } : {}) });
    expect(response.status, JSON.stringify(response.body)).toBe(200);
    return response.body as { ok: boolean; message: string };
  };

  it('PostgreSQL', async () => {
    const good = await test('postgres', { host: '127.0.0.1', port: 5432, database: 'postgres', user: 'postgres' });
    expect(good).toMatchObject({ ok: true, message: expect.stringMatching(/^Connected to 127\.0\.0\.1:5432\/postgres: PostgreSQL \d+/) });
    const bad = await test('postgres', { host: '127.0.0.1', database: `missing_${suffix}`, user: 'postgres', password: 'pg-canary-password' });
    expect(bad.ok).toBe(false);
    expect(bad.message).toContain(`missing_${suffix}`);
    expect(bad.message).not.toContain('pg-canary-password');
  });

  it('MySQL / MariaDB', async () => {
    expect(await test('mysql', { host: '127.0.0.1', user: MYSQL_USER, password: MYSQL_PASSWORD })).toMatchObject({ ok: true, message: expect.stringContaining('MariaDB') });
    const bad = await test('mysql', { host: '127.0.0.1', user: MYSQL_USER, password: 'wrong-maria-password' });
    expect(bad.ok).toBe(false);
    expect(bad.message).toContain('Access denied');
    expect(bad.message).not.toContain('wrong-maria-password');
  });

  it('SMTP', async () => {
    const data = { host: '127.0.0.1', port: smtpPort, security: 'none', user: 'mailer' };
    expect(await test('smtp', { ...data, password: TOKEN })).toMatchObject({ ok: true, message: `127.0.0.1:${smtpPort} accepted the connection and the login` });
    const bad = await test('smtp', { ...data, password: 'wrong-smtp-password' });
    expect(bad.ok).toBe(false);
    expect(bad.message).toMatch(/Invalid login/);
  });

  it('HTTP header, bearer and basic, against an address', async () => {
    expect(await test('httpBearer', { token: TOKEN }, `${http.url}/bearer`)).toMatchObject({ ok: true, message: 'GET 127.0.0.1:' + new URL(http.url).port + '/bearer answered 200' });
    expect(await test('httpHeader', { name: 'X-API-Key', value: TOKEN }, `${http.url}/header`)).toMatchObject({ ok: true });
    expect(await test('httpBasic', { username: 'erp', password: TOKEN }, `${http.url}/basic`)).toMatchObject({ ok: true });
    const refused = await test('httpBearer', { token: 'not-the-token' }, `${http.url}/bearer`);
    expect(refused).toMatchObject({ ok: false, message: expect.stringContaining('answered 401') });
    const noUrl = await test('httpBearer', { token: TOKEN });
    expect(noUrl).toMatchObject({ ok: false, message: 'Give an address (url) to test this credential against' });
    const elsewhere = await test('httpBearer', { token: TOKEN, allowedHosts: ['api.shop.example'] }, `${http.url}/bearer`);
    expect(elsewhere).toMatchObject({ ok: false, message: expect.stringContaining('may only be sent to api.shop.example') });
  });

  it('OAuth2 client credentials: fetches a token, then uses it', async () => {
    const data = { tokenUrl: `${http.url}/token`, clientId: 'shop-client', clientSecret: CLIENT_SECRET };
    expect(await test('oauth2ClientCredentials', data)).toMatchObject({ ok: true, message: expect.stringContaining('Got an access token') });
    expect(await test('oauth2ClientCredentials', data, `${http.url}/oauth`)).toMatchObject({ ok: true });
    const bad = await test('oauth2ClientCredentials', { ...data, clientSecret: 'wrong-client-secret' });
    expect(bad).toMatchObject({ ok: false, message: expect.stringContaining('answered 401') });
  });

  it('a stored credential, and the webhook signing secret (nothing to connect to)', async () => {
    const stored = await store('httpBearer', { token: TOKEN });
    expect((await h.call('POST', `/api/credentials/${stored.id}/test`, { url: `${http.url}/bearer` })).body).toMatchObject({ ok: true });
    expect(await test('hmacSecret', { secret: 'a signing secret' })).toMatchObject({ ok: true, message: expect.stringContaining('Nothing to connect to') });
    const noBody = await h.call('POST', `/api/credentials/${stored.id}/test`);
    expect(noBody.status).toBe(200);
    expect(noBody.body).toMatchObject({ ok: false, message: 'Give an address (url) to test this credential against' });
    const audit = (await h.call('GET', `/api/audit?action=credential.test&resourceId=${stored.id}`)).body.entries;
    expect(audit.map((entry: { details: unknown }) => entry.details)).toEqual([{ ok: false }, { ok: true, host: new URL(http.url).host }]);
  });

  it('lets someone a credential is only shared with test it only against the hosts it is limited to', async () => {
    const editor = await h.createUser('editor');
    const unlimited = await store('httpBearer', { token: TOKEN }, { sharedWith: [editor.id] });
    const refused = await h.callAs(editor.key, 'POST', `/api/credentials/${unlimited.id}/test`, { url: `${http.url}/bearer` });
    expect(refused.status).toBe(403);
    expect(refused.body.error.message).toContain('only an admin may test it against an address');
    const limited = await store('httpBearer', { token: TOKEN, allowedHosts: ['127.0.0.1'] }, { sharedWith: [editor.id] });
    expect((await h.callAs(editor.key, 'POST', `/api/credentials/${limited.id}/test`, { url: `${http.url}/bearer` })).body).toMatchObject({ ok: true });
    const elsewhere = await h.callAs(editor.key, 'POST', `/api/credentials/${limited.id}/test`, { url: 'http://exfil.example/steal' });
    expect(elsewhere.status).toBe(403);
    expect(elsewhere.body.error.message).toBe('This credential may only be tested against 127.0.0.1');
  });
});

describe('test connection under the default outbound policy', () => {
  const reached: string[] = [];
  let counting: LocalServer;
  beforeAll(async () => {
    counting = await listen((req, res) => {
      reached.push(req.url ?? '');
      res.end('welcome');
    });
  });
  afterEach(() => configureOutbound(outboundSettings(loadConfig())));
  afterAll(async () => counting?.close());

  const test = async (type: string, data: Record<string, unknown>, url?: string) => {
    const response = await h.call('POST', '/api/credentials/test', { type, data, ...(url ? { url } : {}) });
    expect(response.status, JSON.stringify(response.body)).toBe(200);
    return response.body as { ok: boolean; message: string; refused?: Record<string, string> };
  };

  it('reaches no system on this server or its network, saying which address and what to change', async () => {
    configureOutbound({});
    const port = new URL(counting.url).port;
    const cases: [string, Record<string, unknown>, string | undefined, string][] = [
      ['httpBearer', { token: TOKEN }, `${counting.url}/admin`, '127.0.0.1'],
      ['httpHeader', { name: 'X-API-Key', value: TOKEN }, `http://[::ffff:127.0.0.1]:${port}/admin`, '::ffff:7f00:1'],
      ['httpBasic', { username: 'erp', password: TOKEN }, `http://localhost:${port}/admin`, '127.0.0.1'],
      ['oauth2ClientCredentials', { tokenUrl: `http://2130706433:${port}/token`, clientId: 'shop-client', clientSecret: CLIENT_SECRET }, undefined, '127.0.0.1'],
      ['postgres', { host: '127.0.0.1', port: 5432, database: 'postgres', user: 'postgres' }, undefined, '127.0.0.1'],
      ['mysql', { host: 'localhost', user: MYSQL_USER, password: MYSQL_PASSWORD }, undefined, '127.0.0.1'],
      ['smtp', { host: '127.0.0.1', port: smtpPort, security: 'none', user: 'mailer', password: TOKEN }, undefined, '127.0.0.1'],
    ];
    for (const [type, data, url, address] of cases) {
      const result = await test(type, data, url);
      expect(result, type).toMatchObject({ ok: false, refused: { address, reason: 'loopback' } });
      expect(result.message, type).toMatch(/^Junction does not connect to .*: that is this server itself \(loopback\).* JUNCTION_OUTBOUND_ALLOW\.$/);
      expect(result.message, type).toContain(address);
    }
    expect(reached).toEqual([]);

    configureOutbound({ allow: '127.0.0.1' });
    expect(await test('postgres', { host: '127.0.0.1', port: 5432, database: 'postgres', user: 'postgres' })).toMatchObject({ ok: true });
    expect(await test('httpBearer', { token: TOKEN }, `${counting.url}/admin`)).toMatchObject({ ok: true });
    expect(reached).toEqual(['/admin']);
  });
});

