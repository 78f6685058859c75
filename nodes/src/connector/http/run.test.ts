import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { NodeError, NonRetriableError, type ItemContext } from '../../sdk/index.ts';
import { definition, Params } from './definition.ts';
import { run } from './run.ts';
import { itemContext } from '../../sdk/testing.ts';

const MAX_RESPONSE_BYTES = 16 * 1024 * 1024;

type Handler = (req: IncomingMessage, res: ServerResponse, body: string) => void;

/** Routes of the local server the tests call; never the internet. */
const routes: Record<string, Handler> = {
  '/echo': (req, res, body) => {
    res.setHeader('content-type', 'application/json; charset=utf-8');
    res.setHeader('set-cookie', 'session=secret');
    res.setHeader('x-request-id', 'r-42');
    res.end(JSON.stringify({ method: req.method, url: req.url, headers: req.headers, body }));
  },
  '/text': (_req, res) => {
    res.setHeader('content-type', 'text/plain');
    res.end('{"looks":"like json"}');
  },
  '/not-json': (_req, res) => {
    res.setHeader('content-type', 'application/json');
    res.end('<html>oops</html>');
  },
  '/deep': (_req, res) => {
    res.setHeader('content-type', 'application/json');
    res.end('['.repeat(5000) + ']'.repeat(5000));
  },
  '/empty': (_req, res) => {
    res.statusCode = 204;
    res.end();
  },
  '/redirect': (_req, res) => {
    res.writeHead(302, { location: '/echo?redirected=1' });
    res.end();
  },
  '/hang': () => {
    // Never answers: the client must give up on its own.
  },
  '/hang-in-body': (_req, res) => {
    res.writeHead(200, { 'content-type': 'text/plain' });
    res.write('the first part');
  },
  '/broken': (_req, res) => {
    res.writeHead(200, { 'content-type': 'text/plain', 'content-length': '1000' });
    res.write('only part of it', () => res.destroy());
  },
  '/huge-declared': (_req, res) => {
    res.writeHead(200, { 'content-type': 'application/octet-stream', 'content-length': String(MAX_RESPONSE_BYTES + 1) });
    res.write('x'); // then stall: the client must refuse from the header alone
  },
  '/huge-head': (_req, res) => {
    res.writeHead(200, { 'content-type': 'application/octet-stream', 'content-length': String(64 * 1024 * 1024) });
    res.end();
  },
  '/huge-stream': (_req, res) => {
    res.writeHead(200, { 'content-type': 'text/plain' }); // chunked, no length declared
    const chunk = Buffer.alloc(1024 * 1024, 'a');
    let sent = 0;
    const more = () => {
      while (sent <= MAX_RESPONSE_BYTES && !res.destroyed) {
        sent += chunk.length;
        if (!res.write(chunk)) return res.once('drain', more);
      }
      res.end();
    };
    more();
  },
};

function status(req: IncomingMessage, res: ServerResponse): void {
  const code = Number(req.url!.split('/')[2]!.split('?')[0]);
  res.statusCode = code;
  res.setHeader('content-type', 'text/plain');
  res.end(code === 418 ? 'x'.repeat(2000) : `status ${code} body`);
}

let server: Server;
let base: string;

beforeAll(async () => {
  server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const path = req.url!.split('?')[0]!;
      if (path.startsWith('/status/')) return status(req, res);
      const handler = routes[path];
      if (!handler) {
        res.statusCode = 500;
        return res.end(`no route ${path}`);
      }
      handler(req, res, Buffer.concat(chunks).toString('utf8'));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(async () => {
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
});

function ctx(params: Record<string, unknown>, options: { signal?: AbortSignal; idempotencyKey?: string } = {}): ItemContext<Params> {
  return itemContext(definition, params, { json: {} }, options);
}

type Echo = { method: string; url: string; headers: Record<string, string>; body: string };

async function call(params: Record<string, unknown>, options?: Parameters<typeof ctx>[1]) {
  const result = await run(ctx(params, options));
  expect(Object.keys(result)).toEqual(['main']);
  expect(result.main).toHaveLength(1);
  return result.main![0]!.json as { status: number; headers: Record<string, string>; body: unknown };
}

/** The error a call fails with; fails the test when it does not fail. */
async function failure(params: Record<string, unknown>, options?: Parameters<typeof ctx>[1]): Promise<unknown> {
  try {
    await run(ctx(params, options));
  } catch (error) {
    return error;
  }
  throw new Error('expected the call to fail');
}

describe('connector.http requests', () => {
  it('sends GET with query params and headers, and the idempotency key', async () => {
    const json = await call({
      url: `${base}/echo?existing=1`,
      query: [{ name: 'sku', value: 'A 1&2' }, { name: 'sku', value: 'B' }],
      headers: [{ name: 'X-Api-Version', value: '2024-01' }, { name: 'Accept', value: 'application/json' }],
    });
    const echo = json.body as Echo;
    expect(echo.method).toBe('GET');
    expect(echo.url).toBe('/echo?existing=1&sku=A+1%262&sku=B');
    expect(echo.headers['x-api-version']).toBe('2024-01');
    expect(echo.headers.accept).toBe('application/json');
    expect(echo.headers['idempotency-key']).toBe('run-1:http');
    expect(echo.headers['content-type']).toBeUndefined();
    expect(echo.body).toBe('');
  });

  it('POSTs a JSON body with its Content-Type and the ctx idempotency key', async () => {
    const json = await call(
      { method: 'POST', url: `${base}/echo`, body: { sku: 'A1', qty: 3, note: 'zażółć' } },
      { idempotencyKey: 'run-9:po:2' },
    );
    const echo = json.body as Echo;
    expect(echo.method).toBe('POST');
    expect(echo.headers['content-type']).toBe('application/json');
    expect(echo.headers['idempotency-key']).toBe('run-9:po:2');
    expect(JSON.parse(echo.body)).toEqual({ sku: 'A1', qty: 3, note: 'zażółć' });
  });

  it('sends a text body as text/plain and keeps a Content-Type the user set', async () => {
    const text = (await call({ method: 'PUT', url: `${base}/echo`, body: 'a=1' })).body as Echo;
    expect(text.headers['content-type']).toBe('text/plain');
    expect(text.body).toBe('a=1');
    const form = (await call({
      method: 'POST',
      url: `${base}/echo`,
      body: 'a=1',
      headers: [{ name: 'content-type', value: 'application/x-www-form-urlencoded' }],
    })).body as Echo;
    expect(form.headers['content-type']).toBe('application/x-www-form-urlencoded');
  });

  it('sends no Idempotency-Key when told not to, and keeps one the user set', async () => {
    const without = (await call({ method: 'POST', url: `${base}/echo`, body: {}, sendIdempotencyKey: false })).body as Echo;
    expect(without.headers['idempotency-key']).toBeUndefined();
    const own = (await call({ method: 'POST', url: `${base}/echo`, headers: [{ name: 'Idempotency-Key', value: 'mine' }] })).body as Echo;
    expect(own.headers['idempotency-key']).toBe('mine');
  });

  it('refuses a header name HTTP does not allow, for good', async () => {
    const error = await failure({ url: `${base}/echo`, headers: [{ name: 'Bad Header', value: 'x' }] });
    expect(error).toBeInstanceOf(NonRetriableError);
    expect((error as Error).message).toContain('"Bad Header"');
  });

  it('refuses a header value HTTP cannot carry, for good, naming the header and the character', async () => {
    const error = await failure({ url: `${base}/echo`, headers: [{ name: 'X-Api-Key', value: 'key-5€' }] });
    expect(error).toBeInstanceOf(NonRetriableError);
    expect((error as Error).message).toMatch(/^The header X-Api-Key holds a character HTTP headers cannot carry \(€\); /);
    const newline = await failure({ url: `${base}/echo`, headers: [{ name: 'X-Note', value: 'a\nb' }] });
    expect(newline).toBeInstanceOf(NonRetriableError);
    expect((newline as Error).message).toContain('(U+000A)');
    // Latin-1 letters and a tab inside the value are what HTTP allows.
    const echo = (await call({ url: `${base}/echo`, headers: [{ name: 'X-Note', value: 'café\tß' }] })).body as Echo;
    expect(Buffer.from(echo.headers['x-note']!, 'latin1').toString('latin1')).toBe('café\tß');
  });

  it('refuses a GET with a body and a non-http url in its params', () => {
    expect(Params.safeParse({ url: `${base}/echo`, body: { a: 1 } }).success).toBe(false);
    expect(Params.safeParse({ url: 'file:///etc/passwd' }).success).toBe(false);
  });

  it('refuses, with the reason, an address no attempt could call', () => {
    const problem = (url: string) => {
      const parsed = Params.safeParse({ url });
      return parsed.success ? undefined : parsed.error.issues.map((issue) => issue.message).join('; ');
    };
    expect(problem('http://127.0.0.1:99999/x')).toBe('The port 99999 does not exist: ports go from 1 to 65535');
    expect(problem('http://127.0.0.1:0/x')).toBe('The port 0 does not exist: ports go from 1 to 65535');
    expect(problem('https://erp:s3cret@erp.example.com/api')).toBe('Put the user name and password in a Basic auth credential, not in the address (user:password@)');
    expect(problem('http://exa mple.com/')).toBe('Give a full address starting with http:// or https://');
    expect(problem('http://[::1]:8080/x')).toBeUndefined();
    expect(problem('http://127.0.0.1:65535/x?a=1:2')).toBeUndefined();
  });

  it('follows redirects', async () => {
    const json = await call({ url: `${base}/redirect` });
    expect(json.status).toBe(200);
    expect((json.body as Echo).url).toBe('/echo?redirected=1');
  });
});

describe('connector.http responses', () => {
  it('parses JSON by Content-Type and returns status and headers without cookies', async () => {
    const json = await call({ url: `${base}/echo` });
    expect(json.status).toBe(200);
    expect(json.body).toMatchObject({ method: 'GET' });
    expect(json.headers['x-request-id']).toBe('r-42');
    expect(json.headers['content-type']).toBe('application/json; charset=utf-8');
    expect(json.headers).not.toHaveProperty('set-cookie');
  });

  it('keeps text as text in auto mode, and parses it when told the answer is JSON', async () => {
    expect((await call({ url: `${base}/text` })).body).toBe('{"looks":"like json"}');
    expect((await call({ url: `${base}/text`, responseFormat: 'json' })).body).toEqual({ looks: 'like json' });
    expect((await call({ url: `${base}/echo`, responseFormat: 'text' })).body).toMatch(/^\{"method":"GET"/);
  });

  it('falls back to text for broken JSON in auto mode, and fails for good in json mode', async () => {
    expect((await call({ url: `${base}/not-json` })).body).toBe('<html>oops</html>');
    const error = await failure({ url: `${base}/not-json`, responseFormat: 'json' });
    expect(error).toBeInstanceOf(NonRetriableError);
    expect((error as Error).message).toMatch(/not valid JSON/);
  });

  it('returns an empty body for 204', async () => {
    expect(await call({ method: 'DELETE', url: `${base}/empty`, responseFormat: 'json' })).toMatchObject({ status: 204, body: '' });
  });

  it('answers a HEAD request for a large resource (no body is read)', async () => {
    const json = await call({ method: 'HEAD', url: `${base}/huge-head` });
    expect(json.status).toBe(200);
    expect(json.headers['content-length']).toBe(String(64 * 1024 * 1024));
    expect(json.body).toBe('');
  });
});

describe('connector.http failures', () => {
  it('fails for good on 404, with the answer in its message and details, the request in details, and no query in the message', async () => {
    const error = await failure({ url: `${base}/status/404?token=secret` });
    expect(error).toBeInstanceOf(NonRetriableError);
    expect((error as NodeError).details).toEqual({
      status: 404,
      body: 'status 404 body',
      request: { method: 'GET', url: `${base}/status/404?token=secret`, headers: { 'idempotency-key': 'run-1:http' } },
    });
    expect((error as Error).message).toBe(`GET ${base}/status/404 answered 404 Not Found: status 404 body`);
    expect((error as Error).message).not.toContain('secret');
  });

  it('cuts a long error body to an excerpt', async () => {
    const error = (await failure({ url: `${base}/status/418` })) as NodeError;
    expect(error).toBeInstanceOf(NonRetriableError);
    expect(error.details!.body).toBe(`${'x'.repeat(499)}…`);
    // The message carries a shorter part of the reason.
    expect(error.message).toBe(`GET ${base}/status/418 answered 418 I'm a Teapot: ${'x'.repeat(299)}…`);
  });

  it.each([500, 503, 429, 408])('fails retriably on %i', async (code) => {
    const error = await failure({ method: 'POST', url: `${base}/status/${code}`, body: {} });
    expect(error).toBeInstanceOf(NodeError);
    expect(error).not.toBeInstanceOf(NonRetriableError);
    expect((error as NodeError).details).toMatchObject({ status: code, body: `status ${code} body`, request: { method: 'POST', body: '{}' } });
    expect((error as Error).message).toContain(`answered ${code}`);
    // A server's failure page is no reason the person fixing the flow can act on: kept in details only.
    if (code >= 500) expect((error as Error).message).not.toContain('body');
  });

  it('gives up on a server that never answers, retriably, naming the timeout', async () => {
    const started = Date.now();
    const error = await failure({ url: `${base}/hang`, timeoutSeconds: 1 });
    expect(Date.now() - started).toBeLessThan(4000);
    expect(error).toBeInstanceOf(NodeError);
    expect(error).not.toBeInstanceOf(NonRetriableError);
    expect((error as Error).message).toBe(`No answer from ${new URL(base).host} within 1 s`);
  });

  it('gives up on an answer that stops half way, naming the timeout', async () => {
    const error = await failure({ url: `${base}/hang-in-body`, timeoutSeconds: 1 });
    expect(error).toBeInstanceOf(NodeError);
    expect(error).not.toBeInstanceOf(NonRetriableError);
    expect((error as Error).message).toMatch(/within 1 s/);
  });

  it('fails retriably when the connection drops mid-answer', async () => {
    const error = await failure({ url: `${base}/broken` });
    expect(error).toBeInstanceOf(NodeError);
    expect(error).not.toBeInstanceOf(NonRetriableError);
    expect((error as Error).message).toMatch(/^The answer from 127\.0\.0\.1:\d+ broke off: /);
  });

  it('fails retriably when nothing listens on the port', async () => {
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const port = (closed.address() as AddressInfo).port;
    await new Promise((resolve) => closed.close(resolve));
    const error = await failure({ url: `http://127.0.0.1:${port}/x` });
    expect(error).toBeInstanceOf(NodeError);
    expect(error).not.toBeInstanceOf(NonRetriableError);
    expect((error as Error).message).toBe(`Could not reach 127.0.0.1:${port}: nothing answers on that port (is the system running, and is the address right?) (ECONNREFUSED)`);
    expect((error as NodeError).details).toEqual({ code: 'ECONNREFUSED', request: { method: 'GET', url: `http://127.0.0.1:${port}/x`, headers: { 'idempotency-key': 'run-1:http' } } });
    expect((error as Error).cause).toBeInstanceOf(Error);
  });

  it('says a host name does not exist, in words', async () => {
    const error = await failure({ url: 'http://no-such-host.invalid/x' });
    expect(error).toBeInstanceOf(NodeError);
    expect((error as Error).message).toMatch(/^Could not reach no-such-host\.invalid: (no such host name \(check the address for typos\) \(ENOTFOUND\)|the host name could not be looked up just now \(DNS\) \(EAI_AGAIN\))$/);
  });

  it('fails for good on a port HTTP requests are never sent to (fetch blocks it)', async () => {
    const error = await failure({ url: 'http://127.0.0.1:1/down' });
    expect(error).toBeInstanceOf(NonRetriableError);
    expect((error as Error).message).toBe('Could not reach 127.0.0.1:1: port 1 belongs to another protocol, and HTTP requests are never sent to it');
  });

  it('stops when the run is cancelled while waiting for the answer, with the cancel reason', async () => {
    const controller = new AbortController();
    const reason = new Error('run cancelled');
    setTimeout(() => controller.abort(reason), 100);
    const started = Date.now();
    const error = await failure({ url: `${base}/hang`, timeoutSeconds: 30 }, { signal: controller.signal });
    expect(error).toBe(reason);
    expect(Date.now() - started).toBeLessThan(3000);
  });

  it('stops when the run is cancelled while the body is arriving', async () => {
    const controller = new AbortController();
    const reason = new Error('worker shutting down');
    setTimeout(() => controller.abort(reason), 100);
    expect(await failure({ url: `${base}/hang-in-body`, timeoutSeconds: 30 }, { signal: controller.signal })).toBe(reason);
  });

  it('does not call at all when the run is already cancelled', async () => {
    const reason = new Error('already cancelled');
    expect(await failure({ url: `${base}/echo` }, { signal: AbortSignal.abort(reason) })).toBe(reason);
  });

  it('refuses an answer nested too deeply to be handled safely later', async () => {
    const error = await failure({ url: `${base}/deep` });
    expect(error).toBeInstanceOf(NonRetriableError);
    expect((error as Error).message).toContain('more than 100 levels');
  });

  it('refuses an answer declared larger than a step may keep, without reading it', async () => {
    const error = await failure({ url: `${base}/huge-declared`, timeoutSeconds: 5 });
    expect(error).toBeInstanceOf(NonRetriableError);
    expect((error as Error).message).toContain(`${MAX_RESPONSE_BYTES + 1} bytes`);
  });

  it('stops reading a streamed answer once it grows too large', async () => {
    const error = await failure({ url: `${base}/huge-stream`, timeoutSeconds: 20 });
    expect(error).toBeInstanceOf(NonRetriableError);
    expect((error as Error).message).toMatch(/larger than the 16777216 bytes/);
  });
});
