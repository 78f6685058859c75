/**
 * The canary: one unique secret value, stored in credentials of every HTTP kind and as a
 * webhook signing secret, used by flows that succeed and flows that fail against servers
 * that echo what they are sent. Afterwards the value appears in no API response, no log
 * line, no step or run record, no error message, no export and no audit entry.
 */
import { createHmac, randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { setLogLevel } from '../log.ts';
import { startHarness, type CallResult, type Harness } from '../testing/harness.ts';
import { listen, type LocalServer } from '../testing/http.ts';

const CANARY = `cnry${randomBytes(12).toString('hex')}`;
/** What the secret looks like inside a Basic header: must not leak either. */
const CANARY_BASIC = Buffer.from(`erp:${CANARY}`).toString('base64');

let h: Harness;
let echo: LocalServer;
let log = '';
const responses: string[] = [];
const restoreStderr = process.stderr.write.bind(process.stderr);

/** Calls the API and keeps every answer, to search them afterwards. */
async function call(method: string, path: string, body?: unknown, headers?: Record<string, string>): Promise<CallResult> {
  const response = await h.call(method, path, body, headers);
  const lines: string[] = [];
  response.headers.forEach((value, name) => lines.push(`${name}: ${value}`));
  responses.push(JSON.stringify(response.body), lines.join('\n'));
  return response;
}

beforeAll(async () => {
  process.stderr.write = ((chunk: string | Uint8Array, ...rest: unknown[]) => {
    log += typeof chunk === 'string' ? chunk : Buffer.from(chunk).toString();
    return (restoreStderr as (...args: unknown[]) => boolean)(chunk, ...rest);
  }) as typeof process.stderr.write;
  h = await startHarness();
  setLogLevel('debug');
  // A careless system: quotes the request's credentials back, in answers and in errors.
  echo = await listen((req, res) => {
    let body = '';
    req.on('data', (chunk) => (body += chunk));
    req.on('end', () => {
      const url = req.url ?? '';
      if (url === '/straddle') {
        // Quotes the bearer token so that it crosses the 500th character of the answer.
        res.writeHead(400, { 'content-type': 'text/plain' });
        return res.end(`${'x'.repeat(488)}${(req.headers.authorization ?? '').replace(/^Bearer /, '')} is not valid here`);
      }
      const quoted = { authorization: req.headers.authorization ?? null, apiKey: req.headers['x-api-key'] ?? null, body };
      if (url === '/token') {
        if (body.includes('grant_type=client_credentials') && req.headers.authorization === `Basic ${Buffer.from(`client:${CANARY}`).toString('base64')}`) {
          res.writeHead(200, { 'content-type': 'application/json' });
          return res.end(JSON.stringify({ access_token: `at-${CANARY}`, expires_in: 3600 }));
        }
        res.writeHead(400, { 'content-type': 'application/json' });
        return res.end(JSON.stringify({ error: 'invalid_client', quoted }));
      }
      const status = url.startsWith('/fail') ? 401 : url.startsWith('/busy') ? 503 : 200;
      res.writeHead(status, { 'content-type': 'application/json', 'x-echo': String(req.headers.authorization ?? '') });
      res.end(JSON.stringify({ youSent: quoted, note: `token was ${req.headers.authorization ?? req.headers['x-api-key']}` }));
    });
  });
});

afterAll(async () => {
  process.stderr.write = restoreStderr;
  setLogLevel('warn');
  await echo?.close();
  await h?.close();
});

async function credential(type: string, data: Record<string, unknown>): Promise<string> {
  const response = await call('POST', '/api/credentials', { name: type, type, data });
  expect(response.status).toBe(201);
  return response.body.id;
}

const http = (id: string, path: string, credentialId: string, extra: Record<string, unknown> = {}) => ({
  id,
  type: 'connector.http',
  name: id,
  params: { method: 'POST', url: `${echo.url}${path}`, credential: credentialId, body: { hello: 'erp' } },
  ...extra,
});

describe('a canary secret', () => {
  it('used by flows that succeed and fail, leaves no trace outside the vault', { timeout: 60_000 }, async () => {
    const bearer = await credential('httpBearer', { token: CANARY });
    const header = await credential('httpHeader', { name: 'X-API-Key', value: CANARY });
    const basic = await credential('httpBasic', { username: 'erp', password: CANARY });
    const oauth = await credential('oauth2ClientCredentials', { tokenUrl: `${echo.url}/token`, clientId: 'client', clientSecret: CANARY });
    const oauthBroken = await credential('oauth2ClientCredentials', { tokenUrl: `${echo.url}/token`, clientId: 'wrong-client', clientSecret: CANARY });
    const signing = await credential('hmacSecret', { secret: CANARY });

    // Succeeds: a signed webhook, then calls whose answers quote the secrets back.
    const succeeding = await call('POST', '/api/workflows', {
      name: 'Canary succeeding',
      graph: {
        nodes: [
          { id: 'in', type: 'trigger.webhook', name: 'In', params: { path: 'canary', include: 'request', respond: 'whenFinished', auth: { kind: 'hmac', style: 'github' }, credential: signing } },
          http('bearer', '/ok/bearer', bearer),
          http('header', '/ok/header', header),
          http('basic', '/ok/basic', basic),
          http('oauth', '/ok/oauth', oauth),
        ],
        edges: [
          { source: 'in', target: 'bearer' },
          { source: 'bearer', target: 'header' },
          { source: 'header', target: 'basic' },
          { source: 'basic', target: 'oauth' },
        ],
      },
    });
    expect(succeeding.status).toBe(201);
    expect((await call('POST', `/api/workflows/${succeeding.body.id}/activate`)).status).toBe(200);
    const payload = JSON.stringify({ order: 'SO-9' });
    const signature = `sha256=${createHmac('sha256', CANARY).update(payload).digest('hex')}`;
    const answered = await call('POST', '/hooks/canary', payload, { 'x-hub-signature-256': signature, 'x-github-delivery': 'd-1' });
    expect(answered.status).toBe(200);
    expect(answered.body.status).toBe(200);
    expect(answered.body.body.youSent.authorization).toBe('Bearer [redacted]');
    expect(answered.body.headers['x-echo']).toBe('Bearer [redacted]');

    // Fails, in each way: a 401 quoting the token, a 5xx with retries, a token endpoint quoting the secret, continue-on-fail.
    const failing = await call('POST', '/api/workflows', {
      name: 'Canary failing',
      graph: {
        nodes: [
          { id: 't', type: 'trigger.manual', name: 'Start' },
          http('header401', '/fail/header', header, { onError: 'continue' }),
          http('basic503', '/busy/basic', basic, { onError: 'continue', retry: { maxAttempts: 2, backoffMs: 10, maxBackoffMs: 20 } }),
          http('token', '/ok/never', oauthBroken, { onError: 'continue' }),
          http('bearer401', '/fail/bearer', bearer),
        ],
        edges: [
          { source: 't', target: 'header401' },
          { source: 'header401', target: 'basic503' },
          { source: 'basic503', target: 'token' },
          { source: 'token', target: 'bearer401' },
        ],
      },
    });
    expect(failing.status).toBe(201);
    const started = await call('POST', `/api/workflows/${failing.body.id}/run`, { n: 1 });
    const run = await h.waitForRun(started.body.runId, 30_000);
    responses.push(JSON.stringify(run));
    expect(run.status).toBe('failed');
    const step = (id: string) => run.steps.find((s: { nodeId: string }) => s.nodeId === id);
    expect(step('header401').error.details.body).toContain('[redacted]');
    expect(step('basic503').attempts).toHaveLength(2);
    expect(step('token').error.message).toContain('answered 400');
    expect(run.error.message).toContain('answered 401');

    // Every way a secret could come back out.
    const retried = await call('POST', `/api/runs/${run.id}/retry`);
    await h.waitForRun(retried.body.runId, 30_000);
    await call('GET', `/api/runs/${retried.body.runId}`);
    await call('GET', `/api/runs?limit=50`);
    for (const id of [bearer, header, basic, oauth, oauthBroken, signing]) {
      await call('GET', `/api/credentials/${id}`);
      await call('POST', `/api/credentials/${id}/test`, { url: `${echo.url}/fail/test` });
    }
    await call('POST', '/api/credentials/test', { type: 'httpBearer', data: { token: CANARY }, url: `${echo.url}/fail/unsaved` });
    await call('GET', '/api/credentials');
    for (const workflow of [succeeding.body.id, failing.body.id]) {
      await call('GET', `/api/workflows/${workflow}`);
      await call('GET', `/api/workflows/${workflow}/export`);
      await call('GET', `/api/workflows/${workflow}/versions/1`);
    }
    await call('GET', '/api/audit?limit=500');
    await call('GET', '/api/node-types');

    const tables = await h.database.pool.query(
      `select (select coalesce(json_agg(s), '[]') from steps s)::text as steps,
              (select coalesce(json_agg(r), '[]') from runs r)::text as runs,
              (select coalesce(json_agg(v), '[]') from workflow_versions v)::text as versions,
              (select coalesce(json_agg(a), '[]') from audit_log a)::text as audit,
              (select coalesce(json_agg(j), '[]') from graphile_worker._private_jobs j)::text as jobs,
              (select coalesce(json_agg(c), '[]') from credentials c)::text as credentials`,
    );
    const places: Record<string, string> = { 'API responses': responses.join('\n'), log, ...tables.rows[0] };
    expect(responses.length).toBeGreaterThan(30);
    expect(places.steps).toContain('[redacted]');
    for (const [where, text] of Object.entries(places)) {
      expect(text.includes(CANARY), `the canary appears in ${where}`).toBe(false);
      expect(text.includes(CANARY_BASIC), `the canary's Basic form appears in ${where}`).toBe(false);
    }
    // The log did record the work (so its silence about the canary means something).
    expect(log).toMatch(/run finished/);
  });

  it('quoted across the cut of a failed answer, leaves not even its first half in run history', { timeout: 60_000 }, async () => {
    const token = `half${randomBytes(16).toString('hex')}`;
    const first = token.slice(0, 12);
    const bearer = await credential('httpBearer', { token });
    const workflow = await call('POST', '/api/workflows', {
      name: 'Canary across the cut',
      graph: { nodes: [{ id: 't', type: 'trigger.manual', name: 'Start' }, http('cut', '/straddle', bearer)], edges: [{ source: 't', target: 'cut' }] },
    });
    const started = await call('POST', `/api/workflows/${workflow.body.id}/run`, {});
    const run = await h.waitForRun(started.body.runId, 30_000);
    expect(run.status).toBe('failed');
    const step = run.steps.find((s: { nodeId: string }) => s.nodeId === 'cut');
    expect(step.error.details.body).toMatch(/^x{488}\[redacted\]/);
    expect(step.error.message).toContain('answered 400 Bad Request: xxx');
    expect(step.error.details.request.headers.authorization).toBe('[redacted]');

    const seen: Record<string, string> = {
      'run detail': JSON.stringify((await call('GET', `/api/runs/${run.id}`)).body),
      'run list': JSON.stringify((await call('GET', '/api/runs?limit=50')).body),
      'run events': await (await h.app.request(`/api/runs/${run.id}/events`, { headers: { authorization: `Bearer ${h.owner.key}` } })).text(),
      ...(
        await h.database.pool.query(
          `select (select coalesce(json_agg(s), '[]') from steps s where s.run_id = $1)::text as steps,
                  (select coalesce(json_agg(r), '[]') from runs r where r.id = $1)::text as runs`,
          [run.id],
        )
      ).rows[0],
    };
    expect(seen['run events']).toContain('[redacted]');
    for (const [where, text] of Object.entries(seen)) expect(text.includes(first), `the token's first part appears in ${where}`).toBe(false);
  });
});
