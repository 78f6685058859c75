/**
 * Signed and authenticated webhooks: a request that is unsigned, signed with the wrong
 * secret, tampered with or stale gets 401 and starts no run; a correct one starts its
 * run, and the same delivery again (a sender's retry) starts nothing and gets 200 with that
 * run's id. The conventions of GitHub, Shopify and Stripe, and a custom one.
 */
import { createHmac, randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { startHarness, type Harness } from '../testing/harness.ts';
import { RefusalLog } from './webhook-auth.ts';

let h: Harness;
const SECRET = 'whsec_the-shared-signing-secret';
let secretId: string;

beforeAll(async () => {
  h = await startHarness({ worker: false });
  secretId = (await h.call('POST', '/api/credentials', { name: 'Signing secret', type: 'hmacSecret', data: { secret: SECRET } })).body.id;
});

afterAll(async () => {
  await h?.close();
});

async function hook(path: string, params: Record<string, unknown>): Promise<string> {
  const created = await h.call('POST', '/api/workflows', { name: path, graph: { nodes: [{ id: 'in', type: 'trigger.webhook', name: 'In', params: { path, ...params } }] } });
  expect(created.status, JSON.stringify(created.body)).toBe(201);
  expect((await h.call('POST', `/api/workflows/${created.body.id}/activate`)).status).toBe(200);
  return created.body.id;
}

const runsOf = async (workflowId: string) => (await h.call('GET', `/api/runs?workflowId=${workflowId}`)).body.runs.length as number;
const hmac = (secret: string, payload: string, encoding: 'hex' | 'base64') => createHmac('sha256', secret).update(payload).digest(encoding);

/** Posts to a webhook with no API key: webhooks answer to their own auth only. */
const post = (path: string, body: string, headers: Record<string, string>) => h.callAs(null, 'POST', `/hooks/${path}`, body, { 'content-type': 'application/json', ...headers });

async function expectRefused(workflowId: string, response: { status: number; body: any }, reason: RegExp) {
  expect(response.status).toBe(401);
  expect(response.body.error.code).toBe('webhook_unauthorized');
  expect(response.body.error.message).toMatch(reason);
  expect(await runsOf(workflowId)).toBe(0);
}

describe('custom HMAC with a timestamp and a delivery id', () => {
  const body = JSON.stringify({ order: 'SO-1', total: 10 });
  const now = () => String(Math.floor(Date.now() / 1000));
  const headers = (secret: string, payload: string, timestamp: string, delivery: string) => ({
    'x-signature': hmac(secret, `${timestamp}.${payload}`, 'hex'),
    'x-timestamp': timestamp,
    'x-delivery': delivery,
  });

  it('refuses unsigned, wrong-secret, tampered and stale requests, runs a correct one, and runs a delivery once', async () => {
    const id = await hook('signed/custom', { auth: { kind: 'hmac', timestampHeader: 'X-Timestamp', deliveryIdHeader: 'X-Delivery', toleranceSeconds: 300 }, credential: secretId });

    await expectRefused(id, await post('signed/custom', body, {}), /no X-Signature header/);
    await expectRefused(id, await post('signed/custom', body, headers('not-the-secret', body, now(), randomUUID())), /does not match/);
    const tampered = headers(SECRET, body, now(), randomUUID());
    await expectRefused(id, await post('signed/custom', body.replace('10', '10000'), tampered), /does not match/);
    const stale = String(Math.floor(Date.now() / 1000) - 301);
    await expectRefused(id, await post('signed/custom', body, headers(SECRET, body, stale, randomUUID())), /more than 300 s away/);
    // Moving the timestamp breaks the signature, which covers it.
    const moved = headers(SECRET, body, stale, randomUUID());
    await expectRefused(id, await post('signed/custom', body, { ...moved, 'x-timestamp': now() }), /does not match/);
    const { 'x-delivery': _, ...withoutDelivery } = headers(SECRET, body, now(), 'unused');
    await expectRefused(id, await post('signed/custom', body, withoutDelivery), /no X-Delivery delivery id/);

    const delivery = randomUUID();
    const good = await post('signed/custom', body, headers(SECRET, body, now(), delivery));
    expect(good.status).toBe(202);
    const run = await h.call('GET', `/api/runs/${good.body.runId}`);
    expect(run.body.input).toEqual([{ json: { order: 'SO-1', total: 10 } }]);

    const replay = await post('signed/custom', body, headers(SECRET, body, now(), delivery));
    expect(replay).toMatchObject({ status: 200, body: { runId: good.body.runId, duplicate: true } });
    expect(await runsOf(id)).toBe(1);
    expect((await post('signed/custom', body, headers(SECRET, body, now(), randomUUID()))).status).toBe(202);
    expect(await runsOf(id)).toBe(2);
  });

  it('runs the same delivery sent 20 times at once exactly once, and tells every sender its run', async () => {
    const id = await hook('signed/burst', { auth: { kind: 'hmac', timestampHeader: 'X-Timestamp', deliveryIdHeader: 'X-Delivery', toleranceSeconds: 300 }, credential: secretId });
    const delivery = randomUUID();
    const answers = await Promise.all(Array.from({ length: 20 }, () => post('signed/burst', body, headers(SECRET, body, now(), delivery))));
    expect(await runsOf(id)).toBe(1);
    expect(answers.filter((a) => a.status === 202)).toHaveLength(1);
    expect(answers.filter((a) => a.status === 200 && a.body.duplicate)).toHaveLength(19);
    expect(new Set(answers.map((a) => a.body.runId)).size).toBe(1);
  });
});

describe('GitHub', () => {
  it('X-Hub-Signature-256: sha256=<hex>, replay protection by X-GitHub-Delivery', async () => {
    const id = await hook('signed/github', { auth: { kind: 'hmac', style: 'github' }, credential: secretId });
    const body = JSON.stringify({ action: 'opened', number: 7 });
    const delivery = randomUUID();
    const signed = { 'x-hub-signature-256': `sha256=${hmac(SECRET, body, 'hex')}`, 'x-github-delivery': delivery };
    await expectRefused(id, await post('signed/github', body, { ...signed, 'x-hub-signature-256': hmac(SECRET, body, 'hex') }), /does not match/);
    await expectRefused(id, await post('signed/github', body, { 'x-hub-signature-256': `sha256=${hmac('wrong', body, 'hex')}`, 'x-github-delivery': randomUUID() }), /does not match/);
    const first = await post('signed/github', body, signed);
    expect(first.status).toBe(202);
    expect(await post('signed/github', body, signed)).toMatchObject({ status: 200, body: { runId: first.body.runId, duplicate: true } });
    expect(await runsOf(id)).toBe(1);
  });
});

describe('Shopify', () => {
  it('X-Shopify-Hmac-Sha256: base64 of the raw body, replay protection by X-Shopify-Webhook-Id', async () => {
    const id = await hook('signed/shopify', { auth: { kind: 'hmac', style: 'shopify' }, credential: secretId });
    // The exact bytes are signed: spacing and key order as sent.
    const body = '{"id":820982911946154508, "email":"jon@example.com",  "total_price":"199.00"}';
    const signed = { 'x-shopify-hmac-sha256': hmac(SECRET, body, 'base64'), 'x-shopify-webhook-id': randomUUID() };
    await expectRefused(id, await post('signed/shopify', JSON.stringify(JSON.parse(body)), signed), /does not match/);
    expect((await post('signed/shopify', body, signed)).status).toBe(202);
    expect((await post('signed/shopify', body, signed)).body).toMatchObject({ duplicate: true });
    expect(await runsOf(id)).toBe(1);
  });
});

describe('Stripe', () => {
  it('Stripe-Signature: t=<time>,v1=<hex of "t.body">, within the tolerance', async () => {
    const id = await hook('signed/stripe', { auth: { kind: 'hmac', style: 'stripe', toleranceSeconds: 300 }, credential: secretId });
    const body = JSON.stringify({ id: 'evt_1', type: 'payment_intent.succeeded' });
    const header = (t: number, secret = SECRET) => `t=${t},v1=${hmac(secret, `${t}.${body}`, 'hex')},v0=ignored`;
    const now = Math.floor(Date.now() / 1000);
    await expectRefused(id, await post('signed/stripe', body, { 'stripe-signature': 'v1=abc' }), /not of the form/);
    await expectRefused(id, await post('signed/stripe', body, { 'stripe-signature': header(now, 'whsec_other') }), /does not match/);
    await expectRefused(id, await post('signed/stripe', body, { 'stripe-signature': header(now - 600) }), /more than 300 s away/);
    // While a secret is being rolled, Stripe sends one signature per secret.
    const rolled = `t=${now},v1=${hmac('whsec_old', `${now}.${body}`, 'hex')},v1=${hmac(SECRET, `${now}.${body}`, 'hex')}`;
    expect((await post('signed/stripe', body, { 'stripe-signature': rolled })).status).toBe(202);
    expect(await runsOf(id)).toBe(1);
  });
});

describe('header token and basic auth', () => {
  it('a header token: the header must carry the credential value, and is not stored in the run', async () => {
    const token = (await h.call('POST', '/api/credentials', { name: 'Shop token', type: 'httpHeader', data: { name: 'Shop-Auth', value: 'the-shop-token-value' } })).body.id;
    const id = await hook('token', { auth: { kind: 'header' }, credential: token, include: 'request' });
    await expectRefused(id, await post('token', '{}', {}), /lacks the right Shop-Auth header/);
    await expectRefused(id, await post('token', '{}', { 'shop-auth': 'the-shop-token-valuE' }), /lacks/);
    const good = await post('token', '{"a":1}', { 'shop-auth': 'the-shop-token-value', 'x-trace': 't1' });
    expect(good.status).toBe(202);
    const input = (await h.call('GET', `/api/runs/${good.body.runId}`)).body.input[0].json;
    expect(input.headers['x-trace']).toBe('t1');
    expect(input.headers).not.toHaveProperty('shop-auth');
    expect(JSON.stringify(input)).not.toContain('the-shop-token-value');
    // The caller may put the secret elsewhere too (a query, another header, the body): the
    // run's input hides it there as the trigger's output does.
    const echoed = await h.callAs(null, 'POST', '/hooks/token?t=the-shop-token-value', '{"echo":"the-shop-token-value"}', {
      'content-type': 'application/json',
      'shop-auth': 'the-shop-token-value',
      'x-other': 'the-shop-token-value',
    });
    expect(echoed.status).toBe(202);
    const run = (await h.call('GET', `/api/runs/${echoed.body.runId}`)).body;
    expect(JSON.stringify(run)).not.toContain('the-shop-token-value');
    expect(run.input[0].json).toMatchObject({ body: { echo: '[redacted]' }, query: { t: '[redacted]' }, headers: { 'x-other': '[redacted]' } });
  });

  it('basic auth: 401 with WWW-Authenticate unless user and password match', async () => {
    const basic = (await h.call('POST', '/api/credentials', { name: 'POS login', type: 'httpBasic', data: { username: 'pos', password: 'pos-password-1' } })).body.id;
    const id = await hook('basic', { auth: { kind: 'basic' }, credential: basic });
    const as = (pair: string) => ({ authorization: `Basic ${Buffer.from(pair).toString('base64')}` });
    const refused = await post('basic', '{}', as('pos:wrong'));
    expect(refused.headers.get('www-authenticate')).toMatch(/^Basic realm=/);
    await expectRefused(id, refused, /user name and password/);
    await expectRefused(id, await post('basic', '{}', as('other:pos-password-1')), /user name and password/);
    await expectRefused(id, await post('basic', '{}', { authorization: 'Bearer pos-password-1' }), /user name and password/);
    expect((await post('basic', '{}', as('pos:pos-password-1'))).status).toBe(202);
  });
});

describe('configuration', () => {
  it('needs a credential of the matching type, kept in the vault, not in the graph', async () => {
    const node = (params: Record<string, unknown>) => ({ name: 'x', graph: { nodes: [{ id: 'in', type: 'trigger.webhook', name: 'In', params: { path: 'cfg', ...params } }] } });
    const none = await h.call('POST', '/api/workflows', node({ auth: { kind: 'hmac' } }));
    expect(none.status).toBe(400);
    expect(none.body.error.path).toBe('graph.nodes[0].params.credential');
    const basic = (await h.call('POST', '/api/credentials', { name: 'b', type: 'httpBasic', data: { username: 'u', password: 'p-123456' } })).body.id;
    const mismatch = await h.call('POST', '/api/workflows', node({ auth: { kind: 'hmac' }, credential: basic }));
    expect(mismatch.status).toBe(400);
    expect(mismatch.body.error.message).toContain('this needs hmacSecret');

    const id = await hook('cfg', { auth: { kind: 'hmac', style: 'github' }, credential: secretId });
    const exported = await h.call('GET', `/api/workflows/${id}/export`);
    expect(exported.body.graph.nodes[0].params.credential).toBe(secretId);
    expect(JSON.stringify(exported.body)).not.toContain(SECRET);
  });
});

describe('rate limit per webhook path', () => {
  it('answers 429 with Retry-After past the limit, per path', async () => {
    const limited = await startHarness({ worker: false, webhookRateLimit: 5 });
    try {
      const create = async (path: string) => {
        const id = (await limited.call('POST', '/api/workflows', { name: path, graph: { nodes: [{ id: 'in', type: 'trigger.webhook', name: 'In', params: { path } }] } })).body.id;
        await limited.call('POST', `/api/workflows/${id}/activate`);
      };
      await create('busy');
      await create('quiet');
      const statuses: number[] = [];
      for (let i = 0; i < 8; i++) statuses.push((await limited.callAs(null, 'POST', '/hooks/busy', {})).status);
      expect(statuses.filter((s) => s === 202).length).toBeGreaterThanOrEqual(5);
      expect(statuses.filter((s) => s === 202).length).toBeLessThan(8);
      const refused = await limited.callAs(null, 'POST', '/hooks/busy', {});
      expect(refused.status).toBe(429);
      expect(refused.headers.get('retry-after')).toBe('1');
      expect(refused.body.error.message).toContain('at most 5 requests a second');
      // The same path in another case is the same path, with the same limit.
      expect((await limited.callAs(null, 'POST', '/hooks/BUSY', {})).status).toBe(429);
      expect((await limited.callAs(null, 'POST', '/hooks/quiet', {})).status).toBe(202);
      await new Promise((resolve) => setTimeout(resolve, 1100));
      expect((await limited.callAs(null, 'POST', '/hooks/busy', {})).status).toBe(202);
    } finally {
      await limited.close();
    }
  });
});

describe('the log of refused requests', () => {
  /** The lines Junction's log writes while `work` runs. */
  async function logLines(work: () => Promise<void>): Promise<string[]> {
    const lines: string[] = [];
    const spy = vi.spyOn(process.stderr, 'write').mockImplementation((chunk: string | Uint8Array) => {
      lines.push(String(chunk));
      return true;
    });
    try {
      await work();
    } finally {
      spy.mockRestore();
    }
    return lines;
  }

  it('says once, not per request, that a hostile sender is refused', async () => {
    await hook('flooded', { auth: { kind: 'hmac', style: 'github' }, credential: secretId });
    await hook('also-flooded', { auth: { kind: 'header' }, credential: (await h.call('POST', '/api/credentials', { name: 'Header', type: 'httpHeader', data: { name: 'X-Token', value: 'a header token' } })).body.id });
    const lines = await logLines(async () => {
      for (let i = 0; i < 200; i++) {
        expect((await post('flooded', `{"n":${i}}`, { 'x-hub-signature-256': `sha256=${'0'.repeat(64)}` })).status).toBe(401);
      }
      for (let i = 0; i < 20; i++) expect((await post('also-flooded', '{}', {})).status).toBe(401);
    });
    const refused = lines.filter((line) => line.includes('refused a webhook request'));
    expect(refused).toHaveLength(2);
    expect(refused[0]).toMatch(/"path":"flooded".*does not match/);
    expect(refused[1]).toContain('"path":"also-flooded"');
  });

  it('counts the refusals it did not write, at most once an interval, and starts over on a quiet path', async () => {
    const refusals = new RefusalLog(500);
    const lines = await logLines(async () => {
      for (let i = 0; i < 50; i++) refusals.note('orders', 401, `reason ${i}`);
      await new Promise((resolve) => setTimeout(resolve, 750));
      refusals.note('orders', 429, 'too fast');
      await new Promise((resolve) => setTimeout(resolve, 1500));
      refusals.note('orders', 401, 'back again');
    });
    expect(lines).toHaveLength(4);
    expect(lines[0]).toMatch(/refused a webhook request .*"reason":"reason 0"/);
    expect(lines[1]).toMatch(/refused more webhook requests .*"refused":49,.*"lastReason":"reason 49"/);
    expect(lines[2]).toMatch(/refused more webhook requests .*"refused":1,.*"lastReason":"too fast"/);
    expect(lines[3]).toMatch(/refused a webhook request .*"reason":"back again"/);
  });
});
