// The client against a real local HTTP server: the page's address is set to it, so the
// client's relative /api URLs reach it as they reach Junction in a browser.
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { listen, type LocalServer } from '../../../server/src/testing/http.ts';
import { fieldError } from '../i18n/problems.ts';
import { ApiError, configureApi, request, withQuery } from './client.ts';

let server: LocalServer;
const seen: { method: string; url: string; headers: Record<string, string | string[] | undefined>; body: string }[] = [];

beforeAll(async () => {
  server = await listen(async (req, res) => {
    let body = '';
    for await (const chunk of req) body += chunk;
    seen.push({ method: req.method ?? '', url: req.url ?? '', headers: req.headers, body });
    const send = (status: number, payload: string, type = 'application/json') => {
      res.writeHead(status, { 'content-type': type });
      res.end(payload);
    };
    if (req.url?.startsWith('/api/ok')) return send(200, JSON.stringify({ ok: true }));
    if (req.url === '/api/invalid')
      return send(400, JSON.stringify({ error: { code: 'invalid_params', message: 'Node "Call", field url: bad', path: 'graph.nodes[1].params.url', issues: [{ code: 'invalid_params', message: 'bad', path: 'graph.nodes[1].params.url' }] } }));
    if (req.url === '/api/proxy') return send(502, '<html>Bad gateway</html>', 'text/html');
    if (req.url === '/api/private') return send(401, JSON.stringify({ error: { code: 'unauthorized', message: 'Sign in first' } }));
    if (req.url === '/api/nothing') return send(204, '');
    if (req.url === '/api/guarded')
      return req.headers['x-csrf-token'] === 'fresh' ? send(200, '{"saved":true}') : send(403, JSON.stringify({ error: { code: 'csrf_failed', message: 'A change made with a session cookie must carry the CSRF token' } }));
    if (req.url === '/api/locked') {
      res.writeHead(429, { 'content-type': 'application/json', 'retry-after': '840' });
      return res.end(JSON.stringify({ error: { code: 'sign_in_locked', message: 'Too many failed sign-ins' } }));
    }
    if (req.url === '/api/setup')
      return send(400, JSON.stringify({ error: { code: 'invalid_request', message: 'The request body is not valid: password: Too short', path: 'password', issues: [{ code: 'invalid_request', message: 'password: Too short', path: 'password' }, { code: 'invalid_request', message: 'email: Not an e-mail address', path: 'email' }] } }));
    return send(404, JSON.stringify({ error: { code: 'not_found', message: 'Nothing here' } }));
  });
  (window as unknown as { happyDOM: { setURL(url: string): void } }).happyDOM.setURL(`${server.url}/workflows`);
});

afterAll(async () => {
  await server?.close();
});

afterEach(() => {
  configureApi({ headers: () => ({}), onUnauthorized: () => undefined, refreshCsrf: async () => false });
});

describe('the API client', () => {
  it('sends JSON with the configured headers and reads JSON back', async () => {
    configureApi({ headers: () => ({ 'x-csrf-token': 't0k3n' }) });
    expect(await request('POST', '/api/ok', { body: { a: 1 }, query: { watch: true, empty: '' } })).toEqual({ ok: true });
    const sent = seen.at(-1)!;
    expect(sent).toMatchObject({ method: 'POST', url: '/api/ok?watch=true', body: '{"a":1}' });
    expect(sent.headers).toMatchObject({ 'content-type': 'application/json', 'x-csrf-token': 't0k3n' });
    expect(await request('DELETE', '/api/nothing')).toBeUndefined();
  });

  it('turns the server’s error shape into an ApiError with its path and issues', async () => {
    const error = (await request('PUT', '/api/invalid').catch((e: unknown) => e)) as ApiError;
    expect(error).toBeInstanceOf(ApiError);
    expect(error).toMatchObject({ status: 400, code: 'invalid_params', path: 'graph.nodes[1].params.url' });
    expect(error.issues).toHaveLength(1);
  });

  it('says something readable for a proxy’s HTML page and for an unreachable server', async () => {
    await expect(request('GET', '/api/proxy')).rejects.toThrow('The server answered 502');
    const closed = await listen(() => undefined);
    await closed.close();
    (window as unknown as { happyDOM: { setURL(url: string): void } }).happyDOM.setURL(`${closed.url}/workflows`);
    // happy-dom reports the refused connection on the console as a browser would; expected here.
    const quiet = vi.spyOn(window.console, 'error').mockImplementation(() => undefined);
    try {
      await expect(request('GET', '/api/ok')).rejects.toMatchObject({ status: 0, code: 'network' });
    } finally {
      quiet.mockRestore();
      (window as unknown as { happyDOM: { setURL(url: string): void } }).happyDOM.setURL(`${server.url}/workflows`);
    }
  });

  it('hands a 401 to the sign-in hook', async () => {
    const onUnauthorized = vi.fn();
    configureApi({ onUnauthorized });
    await expect(request('GET', '/api/private')).rejects.toThrow('Sign in first');
    expect(onUnauthorized).toHaveBeenCalledOnce();
  });

  it('keeps a 429’s Retry-After, and says which field a problem is about', async () => {
    const locked = (await request('POST', '/api/locked').catch((e: unknown) => e)) as ApiError;
    expect(locked).toMatchObject({ status: 429, code: 'sign_in_locked', retryAfter: 840 });
    const invalid = (await request('POST', '/api/setup').catch((e: unknown) => e)) as ApiError;
    expect(fieldError(invalid, 'password')).toBe('Too short');
    expect(fieldError(invalid, 'email')).toBe('Not an e-mail address');
    expect(fieldError(invalid, 'name')).toBeUndefined();
  });

  it('sends a write refused for its CSRF token once more, with the token the session has now', async () => {
    let token = 'stale';
    let refreshed = 0;
    configureApi({
      headers: () => ({ 'x-csrf-token': token }),
      refreshCsrf: async () => {
        refreshed++;
        token = 'fresh';
        return true;
      },
    });
    expect(await request('PUT', '/api/guarded', { body: {} })).toEqual({ saved: true });
    expect(refreshed).toBe(1);
    // Once only: a token that is still refused is an error to show.
    token = 'stale';
    configureApi({ refreshCsrf: async () => (refreshed++, true) });
    await expect(request('PUT', '/api/guarded', { body: {} })).rejects.toMatchObject({ status: 403, code: 'csrf_failed' });
    expect(refreshed).toBe(2);
  });

  it('leaves empty query values out', () => {
    expect(withQuery('/api/runs', { status: '', limit: 30, cursor: undefined })).toBe('/api/runs?limit=30');
  });
});
