/**
 * What a failed call leaves for run history: the other system's answer and the request
 * as sent, bounded and with no secret in them — not even the first half of one that a
 * cut would leave behind.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CredentialValue } from '../../credentials/types.ts';
import { NodeError, NonRetriableError } from '../../sdk/index.ts';
import { itemContext } from '../../sdk/testing.ts';
import { definition } from './definition.ts';
import { run } from './run.ts';

const TOKEN = 'erp_live_5f0d9c8b7a6e4d3c2b1a0f9e';
const CREDENTIAL_ID = '6f1b7a52-0d7c-4f0c-9f53-3a3c2f1f7e10';
const bearer: CredentialValue = { id: CREDENTIAL_ID, type: 'httpBearer', data: { token: TOKEN, allowedHosts: [] } };
const apiKey: CredentialValue = { id: CREDENTIAL_ID, type: 'httpHeader', data: { name: 'X-Shop-Key', value: TOKEN, allowedHosts: [] } };

let server: Server;
let base: string;

beforeAll(async () => {
  // A careless ERP: its refusals quote the token it was sent, wherever the text puts it.
  server = createServer((req, res) => {
    const token = (req.headers.authorization ?? '').replace(/^Bearer /, '') || String(req.headers['x-shop-key'] ?? '');
    const [path, query] = (req.url ?? '').split('?') as [string, string | undefined];
    if (path === '/straddle') {
      // The token begins 12 characters before the 500th: a cut there would keep its first 12.
      res.writeHead(401, { 'content-type': 'text/plain' });
      return res.end(`${'x'.repeat(488)}${token} is not valid for this store`);
    }
    if (path === '/cut-short') {
      // The ERP cut its own message: what is left of the token is its first part.
      res.writeHead(403, { 'content-type': 'text/plain' });
      return res.end(`Forbidden for key ${token.slice(0, 14)}`);
    }
    if (path === '/reason') {
      res.writeHead(422, { 'content-type': 'application/json' });
      return res.end(JSON.stringify({ error: 'SKU TEA-9 does not exist', hint: `checked with\n  key ${token}`, padding: 'p'.repeat(Number(new URLSearchParams(query).get('pad') ?? 0)) }));
    }
    if (path === '/html') {
      res.writeHead(404, { 'content-type': 'text/html' });
      return res.end('<html><body><h1>Not Found</h1></body></html>');
    }
    res.writeHead(500, { 'content-type': 'text/plain' });
    res.end('no route');
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(async () => {
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
});

async function failure(params: Record<string, unknown>, credential?: CredentialValue): Promise<NodeError> {
  const context = itemContext(definition, { ...(credential ? { credential: CREDENTIAL_ID } : {}), ...params }, { json: {} }, { credentials: credential ? { credential } : {} });
  const error = await Promise.resolve()
    .then(() => run(context))
    .then(
      () => undefined,
      (thrown: unknown) => thrown,
    );
  expect(error, 'expected the call to fail').toBeInstanceOf(NodeError);
  return error as NodeError;
}

/** Everything the failure leaves in history, as one text. */
const everything = (error: NodeError) => JSON.stringify({ message: error.message, details: error.details });

describe('a failed call in run history', () => {
  it('keeps no part of a secret that an answer quotes across the cut', async () => {
    const error = await failure({ url: `${base}/straddle` }, bearer);
    expect(error).toBeInstanceOf(NonRetriableError);
    expect(error.details!.body).toBe(`${'x'.repeat(488)}[redacted] …`);
    expect(everything(error)).not.toContain(TOKEN.slice(0, 8));
  });

  it('keeps no first part of a secret that the other system cut short itself', async () => {
    const error = await failure({ url: `${base}/cut-short` }, apiKey);
    expect(error.details!.body).toBe('Forbidden for key [redacted]');
    expect(error.message).toBe(`GET ${base}/cut-short answered 403 Forbidden: Forbidden for key [redacted]`);
    expect(everything(error)).not.toContain(TOKEN.slice(0, 8));
  });

  it("shows a 4xx answer's reason in the message: one line, scrubbed, bounded", async () => {
    const error = await failure({ method: 'POST', url: `${base}/reason`, body: { sku: 'TEA-9', qty: 2 } }, bearer);
    expect(error).toBeInstanceOf(NonRetriableError);
    expect(error.message).toBe(`POST ${base}/reason answered 422 Unprocessable Entity: {"error":"SKU TEA-9 does not exist","hint":"checked with\\n key [redacted]","padding":""}`);
    const long = await failure({ url: `${base}/reason?pad=5000` }, bearer);
    expect(long.message.length).toBeLessThan(450);
    expect(long.message).toMatch(/p…$/);
    expect((long.details!.body as string).length).toBeLessThanOrEqual(500);
    expect(everything(long)).not.toContain(TOKEN.slice(0, 8));
  });

  it('leaves a web page out of the message (its text is no reason), keeping it in details', async () => {
    const error = await failure({ url: `${base}/html` });
    expect(error.message).toBe(`GET ${base}/html answered 404 Not Found`);
    expect(error.details!.body).toBe('<html><body><h1>Not Found</h1></body></html>');
  });

  it('keeps the request as sent: method, address, headers with credentials masked, the body cut', async () => {
    const body = { sku: 'TEA-9', note: 'n'.repeat(3000) };
    const error = await failure(
      { method: 'POST', url: `${base}/reason`, query: [{ name: 'store', value: 'taipei' }], headers: [{ name: 'X-Api-Version', value: '2024-01' }, { name: 'Cookie', value: 'session=abc123' }], body },
      apiKey,
    );
    const request = error.details!.request as { method: string; url: string; headers: Record<string, string>; body: string };
    expect(request.method).toBe('POST');
    expect(request.url).toBe(`${base}/reason?store=taipei`);
    expect(request.headers).toEqual({
      'content-type': 'application/json',
      cookie: '[redacted]',
      'idempotency-key': 'run-1:http',
      'x-api-version': '2024-01',
      'x-shop-key': '[redacted]',
    });
    expect(request.body.startsWith('{"sku":"TEA-9","note":"nnn')).toBe(true);
    expect(request.body.length).toBeLessThanOrEqual(2000);
    expect(request.body.endsWith('…')).toBe(true);

    const withBearer = await failure({ url: `${base}/straddle` }, bearer);
    expect((withBearer.details!.request as { headers: Record<string, string> }).headers.authorization).toBe('[redacted]');
  });
});
