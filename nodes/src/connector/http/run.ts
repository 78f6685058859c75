import { MAX_ITEM_DEPTH, NodeError, NonRetriableError, tooDeepAt, type PerItemRun } from '../../sdk/index.ts';
import { applyHttpCredential, forgetOAuth2Token } from '../../credentials/http-auth.ts';
import { unsendableInHeader } from '../../credentials/types.ts';
import { outboundFetch, refusalOf, type OutboundRequestInit, type OutboundResponse } from '../../outbound/connect.ts';
import { OutboundRefusedError } from '../../outbound/policy.ts';
import type { Params } from './definition.ts';

type Response = OutboundResponse;

/** Largest response body kept in an item; bigger answers fail the step rather than fill history. */
const MAX_RESPONSE_BYTES = 16 * 1024 * 1024;

/** What the system errors of a failed connection mean, for people (the code stays beside it). */
const NETWORK_FAILURES: Partial<Record<string, string>> = {
  ECONNREFUSED: 'nothing answers on that port (is the system running, and is the address right?)',
  ENOTFOUND: 'no such host name (check the address for typos)',
  EAI_AGAIN: 'the host name could not be looked up just now (DNS)',
  ECONNRESET: 'the connection was cut off by the other side',
  ETIMEDOUT: 'the connection timed out',
  EHOSTUNREACH: 'the host cannot be reached from this server (network or firewall)',
  ENETUNREACH: 'the network cannot be reached from this server',
  CERT_HAS_EXPIRED: "the server's certificate has expired",
  DEPTH_ZERO_SELF_SIGNED_CERT: 'the server uses a self-signed certificate, which is not trusted',
  SELF_SIGNED_CERT_IN_CHAIN: "the server's certificate chain holds a self-signed certificate, which is not trusted",
  UNABLE_TO_VERIFY_LEAF_SIGNATURE: "the server's certificate cannot be verified",
  ERR_TLS_CERT_ALTNAME_INVALID: "the server's certificate is for another host name",
};
/** The answer's body kept in a failed step's details, and the part of a 4xx answer's reason its message shows. */
const EXCERPT_CHARS = 500;
const REASON_CHARS = 300;
/** The request body kept in a failed step's details. */
const REQUEST_BODY_CHARS = 2000;
/** Headers whose values are credentials whoever set them: never kept, only their names. */
const SECRET_HEADERS = new Set(['authorization', 'proxy-authorization', 'cookie', 'x-api-key', 'api-key']);
const MASK = '[redacted]';

/** Statuses worth trying again: the server is busy or broken, not the request. */
function isRetriableStatus(status: number): boolean {
  return status === 408 || status === 425 || status === 429 || status >= 500;
}

async function readBody(response: Response, signal: AbortSignal): Promise<string> {
  // No body (HEAD, 204, 304): a Content-Length then describes the resource, not bytes to read.
  if (!response.body) return '';
  const declared = Number(response.headers.get('content-length') ?? '0');
  if (declared > MAX_RESPONSE_BYTES) {
    await response.body.cancel();
    throw new NonRetriableError(`The answer is ${declared} bytes, more than the ${MAX_RESPONSE_BYTES} bytes a step may keep`);
  }
  const decoder = new TextDecoder();
  let text = '';
  let bytes = 0;
  for await (const chunk of response.body as unknown as AsyncIterable<Uint8Array>) {
    if (signal.aborted) throw signal.reason;
    bytes += chunk.byteLength;
    if (bytes > MAX_RESPONSE_BYTES) {
      throw new NonRetriableError(`The answer is larger than the ${MAX_RESPONSE_BYTES} bytes a step may keep`);
    }
    text += decoder.decode(chunk, { stream: true });
  }
  return text + decoder.decode();
}

function parseBody(text: string, contentType: string, format: Params['responseFormat']): unknown {
  const looksJson = /\bjson\b/i.test(contentType);
  if (format === 'text' || (format === 'auto' && !looksJson) || text === '') return text;
  try {
    return JSON.parse(text);
  } catch (error) {
    if (format === 'json') throw new NonRetriableError('The answer is not valid JSON', { cause: error });
    return text;
  }
}

const MAX_REDIRECTS = 10;

/**
 * With a credential, redirects are followed only within the same origin: fetch drops
 * Authorization on a cross-origin redirect but would carry a custom API-key header along.
 */
async function fetchKeepingCredential(url: URL, init: OutboundRequestInit): Promise<Response> {
  let target = url;
  let request = init;
  for (let hops = 0; ; hops++) {
    const response = await outboundFetch(target, { ...request, redirect: 'manual' });
    const location = response.headers.get('location');
    if (response.status < 300 || response.status >= 400 || !location) return response;
    await response.body?.cancel();
    const next = new URL(location, target);
    if (next.origin !== url.origin) {
      throw new NonRetriableError(`${url.host} redirected to ${next.origin}; a request with a credential only follows redirects within ${url.origin}`);
    }
    if (hops >= MAX_REDIRECTS) throw new NonRetriableError(`More than ${MAX_REDIRECTS} redirects from ${url.host}`);
    // 303 (and 301/302 after a POST, as browsers do) continue as GET without the body.
    if (response.status === 303 || ((response.status === 301 || response.status === 302) && request.method === 'POST')) {
      request = { ...request, method: 'GET', body: undefined };
    }
    target = next;
  }
}

/**
 * The request as it was sent, for a failed step's details: what someone needs to see why
 * the other system refused it. Credentials never show: a header the credential set, or
 * one that carries credentials by its name, keeps its name only; every secret the step
 * knows is scrubbed out of the rest; the body is cut.
 */
function sentRequest(method: string, url: URL, headers: Headers, credentialHeaders: ReadonlySet<string>, body: string | undefined, scrub: (text: string, maxChars?: number) => string) {
  const shown: Record<string, string> = {};
  headers.forEach((value, name) => {
    shown[name] = credentialHeaders.has(name) || SECRET_HEADERS.has(name) ? MASK : scrub(value);
  });
  return { method, url: scrub(url.href), headers: shown, ...(body !== undefined ? { body: scrub(body, REQUEST_BODY_CHARS) } : {}) };
}

/** What a 4xx answer says, for its error's message: one line, scrubbed, short; nothing for an HTML page. */
function reasonOf(text: string, contentType: string, scrub: (text: string, maxChars?: number) => string): string {
  if (/\bhtml\b/i.test(contentType) || /^\s*</.test(text)) return '';
  // Scrubbed whole first: a secret that spans a line break is still found before lines are joined.
  return scrub(scrub(text).replace(/\s+/g, ' ').trim(), REASON_CHARS);
}

export const run: PerItemRun<Params> = async ({ params, idempotencyKey, signal, credentials, redact, scrub }) => {
  const url = new URL(params.url);
  for (const { name, value } of params.query) url.searchParams.append(name, value);
  const headers = new Headers();
  for (const { name, value } of params.headers) {
    try {
      headers.append(name, value);
    } catch (error) {
      const char = unsendableInHeader(value.replaceAll('\t', ' '));
      const message = char
        ? `The header ${name} holds a character HTTP headers cannot carry (${char}); remove it, or send the value percent-encoded if the receiving system decodes it`
        : `Header "${name}" is not a valid HTTP header`;
      throw new NonRetriableError(message, { cause: error });
    }
  }
  if (params.sendIdempotencyKey && !headers.has('idempotency-key')) headers.set('Idempotency-Key', idempotencyKey);
  const credential = params.credential ? credentials.credential : undefined;
  if (params.credential && !credential) throw new NonRetriableError('The credential this node uses was not provided to it');
  const credentialHeaders = new Set<string>();
  if (credential) {
    const before = new Map<string, string>();
    headers.forEach((value, name) => before.set(name, value));
    await applyHttpCredential(credential, url, headers, { signal, redact, scrub });
    headers.forEach((value, name) => {
      if (before.get(name) !== value) credentialHeaders.add(name);
    });
  }
  let body: string | undefined;
  if (params.body !== undefined) {
    body = typeof params.body === 'string' ? params.body : JSON.stringify(params.body);
    if (!headers.has('content-type')) headers.set('Content-Type', typeof params.body === 'string' ? 'text/plain' : 'application/json');
  }
  const request = () => sentRequest(params.method, url, headers, credentialHeaders, body, scrub);

  const timeout = AbortSignal.timeout(params.timeoutSeconds * 1000);
  const combined = AbortSignal.any([signal, timeout]);
  let response: Response;
  try {
    response = credential
      ? await fetchKeepingCredential(url, { method: params.method, headers, body, signal: combined })
      : await outboundFetch(url, { method: params.method, headers, body, signal: combined, redirect: 'follow' });
  } catch (error) {
    if (error instanceof NodeError) throw error;
    if (signal.aborted) throw signal.reason;
    const refused = refusalOf(error);
    if (refused) {
      // Refused after a redirect: the message names both hosts, the refused one last.
      const redirectedFrom = refused.refusal.host.toLowerCase() === url.hostname.replace(/^\[(.*)\]$/, '$1').toLowerCase() ? undefined : url.host;
      throw new OutboundRefusedError(refused.refusal, { redirectedFrom, cause: error, details: { request: request() } });
    }
    if (timeout.aborted) throw new NodeError(`No answer from ${url.host} within ${params.timeoutSeconds} s`, { cause: error, details: { request: request() } });
    const cause = (error as { cause?: { code?: string; message?: string } }).cause;
    // fetch never calls the ports of other protocols (SMTP, IRC, X11 ...): no retry changes that.
    if (cause?.message === 'bad port') {
      throw new NonRetriableError(`Could not reach ${url.host}: port ${url.port} belongs to another protocol, and HTTP requests are never sent to it`, { cause: error });
    }
    const code = cause?.code;
    const why = (code && NETWORK_FAILURES[code]) ?? cause?.message ?? (error as Error).message;
    throw new NodeError(`Could not reach ${url.host}: ${why}${code && NETWORK_FAILURES[code] ? ` (${code})` : ''}`, {
      cause: error,
      details: { ...(code ? { code } : {}), request: request() },
    });
  }

  let text: string;
  try {
    text = await readBody(response, combined);
  } catch (error) {
    if (error instanceof NodeError) throw error;
    if (signal.aborted) throw signal.reason;
    if (timeout.aborted) throw new NodeError(`No complete answer from ${url.host} within ${params.timeoutSeconds} s`, { cause: error, details: { request: request() } });
    throw new NodeError(`The answer from ${url.host} broke off: ${(error as Error).message}`, { cause: error, details: { request: request() } });
  }
  if (!response.ok) {
    // A refused token may have been revoked early: the next attempt fetches a new one.
    if (response.status === 401 && credential) forgetOAuth2Token(credential);
    const contentType = response.headers.get('content-type') ?? '';
    const answered = `${params.method} ${url.origin}${url.pathname} answered ${response.status} ${response.statusText}`.trim();
    // The other system's reason, for a request it refused (4xx): what the person fixing the flow needs to read.
    const reason = response.status < 500 ? reasonOf(text, contentType, scrub) : '';
    const ErrorClass = isRetriableStatus(response.status) ? NodeError : NonRetriableError;
    // Scrubbed before it is cut: a secret the answer echoes across the cut goes whole.
    throw new ErrorClass(reason ? `${answered}: ${reason}` : answered, { details: { status: response.status, body: scrub(text, EXCERPT_CHARS), request: request() } });
  }

  const responseHeaders: Record<string, string> = {};
  response.headers.forEach((value, name) => {
    if (name !== 'set-cookie') responseHeaders[name] = value;
  });
  const parsed = parseBody(text, response.headers.get('content-type') ?? '', params.responseFormat);
  const deep = tooDeepAt(parsed);
  if (deep) throw new NonRetriableError(`The answer nests more than ${MAX_ITEM_DEPTH} levels deep (at ${deep.slice(0, 200)})`);
  return { main: [{ json: { status: response.status, headers: responseHeaders, body: parsed } }] };
};
