/**
 * connector.http with credentials: header, bearer, basic and OAuth2 client credentials
 * (token cached, refreshed after a 401), allowed hosts, and redirects that would carry a
 * credential to another origin refused. Against local servers only.
 */
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { NodeError, NonRetriableError } from '../../sdk/index.ts';
import { itemContext } from '../../sdk/testing.ts';
import type { CredentialValue } from '../../credentials/types.ts';
import { hostAllowed } from '../../credentials/http-auth.ts';
import { definition } from './definition.ts';
import { run } from './run.ts';

let server: Server;
let other: Server;
let base: string;
let otherBase: string;
let tokensIssued = 0;
let refuseNextToken = false;
const seen: { url: string; authorization?: string; apiKey?: string }[] = [];

const record = (req: IncomingMessage) => seen.push({ url: req.url ?? '', authorization: req.headers.authorization, apiKey: req.headers['x-api-key'] as string | undefined });

beforeAll(async () => {
  other = createServer((req, res) => {
    record(req);
    res.end('{}');
  });
  await new Promise<void>((resolve) => other.listen(0, '127.0.0.1', resolve));
  otherBase = `http://localhost:${(other.address() as AddressInfo).port}`;
  server = createServer((req, res) => {
    let body = '';
    req.on('data', (chunk) => (body += chunk));
    req.on('end', () => {
      record(req);
      const url = req.url ?? '';
      if (url === '/token') {
        if (req.headers.authorization !== `Basic ${Buffer.from('id%3A1:s%26cret').toString('base64')}`) {
          res.writeHead(url.includes('busy') ? 503 : 400, { 'content-type': 'application/json' });
          return res.end('{"error":"invalid_client"}');
        }
        tokensIssued++;
        res.writeHead(200, { 'content-type': 'application/json' });
        return res.end(JSON.stringify({ access_token: `token-${tokensIssued}`, expires_in: 3600, scope: new URLSearchParams(body).get('scope') }));
      }
      if (url === '/token-in-body') {
        const form = new URLSearchParams(body);
        res.writeHead(form.get('client_secret') === 's&cret' ? 200 : 401, { 'content-type': 'application/json' });
        return res.end(JSON.stringify({ access_token: 'body-token' }));
      }
      if (url === '/api/refusing' && refuseNextToken) {
        refuseNextToken = false;
        res.writeHead(401);
        return res.end('expired');
      }
      if (url === '/redirect-away') {
        res.writeHead(302, { location: `${otherBase}/stolen` });
        return res.end();
      }
      if (url === '/redirect-here') {
        res.writeHead(302, { location: '/api/landed' });
        return res.end();
      }
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ ok: true }));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(async () => {
  server.closeAllConnections();
  other.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
  await new Promise((resolve) => other.close(resolve));
});

const call = async (path: string, credential: CredentialValue, redacted: string[] = [], url = `${base}${path}`) =>
  await run(itemContext(definition, { url, credential: '00000000-0000-4000-8000-000000000001' }, { json: {} }, { credentials: { credential }, redacted }));

const last = () => seen.at(-1)!;

describe('connector.http with a credential', () => {
  it('sends a header, a bearer token or basic auth, and hands derived secrets to redact', async () => {
    await call('/api/a', { id: 'c1', type: 'httpHeader', data: { name: 'X-API-Key', value: 'k-123', allowedHosts: [] } });
    expect(last().apiKey).toBe('k-123');
    await call('/api/b', { id: 'c2', type: 'httpBearer', data: { token: 't-456', allowedHosts: [] } });
    expect(last().authorization).toBe('Bearer t-456');
    const redacted: string[] = [];
    await call('/api/c', { id: 'c3', type: 'httpBasic', data: { username: 'erp', password: 'p-789', allowedHosts: [] } }, redacted);
    expect(last().authorization).toBe(`Basic ${Buffer.from('erp:p-789').toString('base64')}`);
    expect(redacted).toEqual([Buffer.from('erp:p-789').toString('base64')]);
  });

  it('fetches an OAuth2 token with client credentials once, and again after a 401', async () => {
    const credential: CredentialValue = {
      id: 'oauth-1',
      type: 'oauth2ClientCredentials',
      data: { tokenUrl: `${base}/token`, clientId: 'id:1', clientSecret: 's&cret', scope: 'orders:write', sendCredentials: 'header', allowedHosts: [] },
    };
    const redacted: string[] = [];
    const before = tokensIssued;
    await call('/api/refusing', credential, redacted);
    await call('/api/refusing', credential);
    expect(tokensIssued - before).toBe(1);
    expect(last().authorization).toBe(`Bearer token-${tokensIssued}`);
    // The client's id and secret as the token request's Basic header carried them, and the token.
    expect(redacted).toEqual([Buffer.from('id%3A1:s%26cret').toString('base64'), `token-${tokensIssued}`]);

    refuseNextToken = true;
    await expect(call('/api/refusing', credential)).rejects.toThrow(/answered 401/);
    await call('/api/refusing', credential);
    expect(tokensIssued - before).toBe(2);

    const inBody: CredentialValue = { ...credential, id: 'oauth-2', data: { ...credential.data, tokenUrl: `${base}/token-in-body`, sendCredentials: 'body' } };
    await call('/api/d', inBody);
    expect(last().authorization).toBe('Bearer body-token');
  });

  it('fails clearly when the token endpoint refuses: not retried for a 4xx', async () => {
    const wrong: CredentialValue = { id: 'oauth-3', type: 'oauth2ClientCredentials', data: { tokenUrl: `${base}/token`, clientId: 'x', clientSecret: 'y', sendCredentials: 'header', allowedHosts: [] } };
    const error = await call('/api/e', wrong).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(NonRetriableError);
    expect((error as Error).message).toMatch(/token endpoint 127\.0\.0\.1:\d+ answered 400/);
  });

  it('sends a credential only to its allowed hosts', async () => {
    const credential: CredentialValue = { id: 'c4', type: 'httpBearer', data: { token: 't', allowedHosts: ['erp.example.com', '*.shop.example'] } };
    const error = await call('/api/f', credential).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(NonRetriableError);
    expect((error as Error).message).toBe(`The credential may only be sent to erp.example.com, *.shop.example, not to ${new URL(base).host}`);
    expect(hostAllowed(['*.shop.example'], new URL('https://api.shop.example/x'))).toBe(true);
    expect(hostAllowed(['*.shop.example'], new URL('https://evilshop.example/x'))).toBe(false);
    expect(hostAllowed(['erp.example.com'], new URL('https://erp.example.com:8443/'))).toBe(true);
    expect(hostAllowed([], new URL('https://anything.example/'))).toBe(true);
  });

  it('follows redirects within the origin, and refuses one that would carry the credential elsewhere', async () => {
    const credential: CredentialValue = { id: 'c5', type: 'httpHeader', data: { name: 'X-API-Key', value: 'never-elsewhere', allowedHosts: [] } };
    const landed = await call('/redirect-here', credential);
    expect(landed.main![0]!.json.status).toBe(200);
    expect(last()).toMatchObject({ url: '/api/landed', apiKey: 'never-elsewhere' });

    const error = await call('/redirect-away', credential).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(NonRetriableError);
    expect((error as Error).message).toContain('only follows redirects within');
    expect(seen.some((request) => request.url === '/stolen')).toBe(false);
  });

  it('fails for good, without calling, on a credential whose value HTTP headers cannot carry', async () => {
    const before = seen.length;
    const header = await call('/api/h', { id: 'c6', type: 'httpHeader', data: { name: 'X-Api-Key', value: 'key-5€', allowedHosts: [] } }).catch((e: unknown) => e);
    expect(header).toBeInstanceOf(NonRetriableError);
    expect((header as Error).message).toBe(
      "The header X-Api-Key holds a character HTTP headers cannot carry (€); it comes from the credential's value, which can hold only printable Latin-1 characters (letters without accents, digits, punctuation)",
    );
    const bearer = await call('/api/h', { id: 'c7', type: 'httpBearer', data: { token: 'tök€n', allowedHosts: [] } }).catch((e: unknown) => e);
    expect(bearer).toBeInstanceOf(NonRetriableError);
    expect((bearer as Error).message).toMatch(/^The header Authorization holds a character HTTP headers cannot carry \(€\); it comes from the credential's token/);
    expect(seen.length).toBe(before);
  });

  it('fails when the credential it refers to was not provided', async () => {
    const error = await Promise.resolve().then(() => run(itemContext(definition, { url: `${base}/api/g`, credential: '00000000-0000-4000-8000-000000000001' }, { json: {} }))).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(NodeError);
    expect((error as Error).message).toContain('was not provided');
  });
});
