/**
 * Puts an HTTP credential on a request: a header, a bearer token, basic auth, or an
 * OAuth2 access token fetched with client credentials (kept until shortly before it
 * expires, one fetch at a time per credential). Server only: it runs inside the worker.
 */
import { createHash } from 'node:crypto';
import { NodeError, NonRetriableError } from '../sdk/errors.ts';
import { outboundFetch, refusalOf } from '../outbound/connect.ts';
import { unsendableInHeader, type CredentialValue } from './types.ts';

type HttpCredential = Extract<CredentialValue, { type: 'httpHeader' | 'httpBearer' | 'httpBasic' | 'oauth2ClientCredentials' }>;

export const isHttpCredential = (credential: CredentialValue): credential is HttpCredential =>
  credential.type === 'httpHeader' || credential.type === 'httpBearer' || credential.type === 'httpBasic' || credential.type === 'oauth2ClientCredentials';

/** True when `url` is one of the hosts the credential may be sent to (none listed: any). */
export function hostAllowed(allowed: readonly string[], url: URL): boolean {
  if (allowed.length === 0) return true;
  const hostname = url.hostname.toLowerCase();
  return allowed.some((entry) => (entry.startsWith('*.') ? hostname.endsWith(entry.slice(1)) : entry === hostname || entry === url.host.toLowerCase()));
}

interface CachedToken {
  token: string;
  /** ms since the epoch; refreshed a minute before. */
  expiresAt: number;
}

const tokens = new Map<string, Promise<CachedToken>>();
const REFRESH_EARLY_MS = 60_000;
const DEFAULT_LIFETIME_S = 300;

/** The cache key changes when the credential is edited, so a new secret fetches a new token. */
const cacheKey = (credential: Extract<HttpCredential, { type: 'oauth2ClientCredentials' }>) =>
  `${credential.id}:${createHash('sha256').update(JSON.stringify(credential.data)).digest('hex')}`;

/** What a request with a credential needs of the step: its abort signal, and its scrubbing of secrets (see BaseContext). */
export interface CredentialUse {
  signal: AbortSignal;
  /** Adds a secret derived from the credential (a Basic header value, a fetched token) to those scrubbed. */
  redact(secret: string): void;
  /** Text with the secrets scrubbed out, cut to `maxChars`. */
  scrub(text: string, maxChars?: number): string;
}

async function fetchToken(credential: Extract<HttpCredential, { type: 'oauth2ClientCredentials' }>, { signal, redact, scrub }: CredentialUse): Promise<CachedToken> {
  const { data } = credential;
  const form = new URLSearchParams({ grant_type: 'client_credentials' });
  if (data.scope) form.set('scope', data.scope);
  if (data.audience) form.set('audience', data.audience);
  const headers = new Headers({ 'content-type': 'application/x-www-form-urlencoded', accept: 'application/json' });
  if (data.sendCredentials === 'header') {
    // RFC 6749 2.3.1: id and secret are form-encoded before being joined for Basic auth.
    const pair = `${encodeURIComponent(data.clientId)}:${encodeURIComponent(data.clientSecret)}`;
    const encoded = Buffer.from(pair).toString('base64');
    redact(encoded);
    headers.set('authorization', `Basic ${encoded}`);
  } else {
    form.set('client_id', data.clientId);
    form.set('client_secret', data.clientSecret);
  }
  const host = new URL(data.tokenUrl).host;
  let response: Awaited<ReturnType<typeof outboundFetch>>;
  try {
    response = await outboundFetch(data.tokenUrl, { method: 'POST', headers, body: form, signal: AbortSignal.any([signal, AbortSignal.timeout(30_000)]) });
  } catch (error) {
    if (signal.aborted) throw signal.reason;
    const refused = refusalOf(error);
    if (refused) throw refused;
    throw new NodeError(`Could not reach the token endpoint ${host}: ${(error as Error).message}`, { cause: error });
  }
  const text = await response.text();
  if (!response.ok) {
    const ErrorClass = response.status >= 500 || response.status === 429 ? NodeError : NonRetriableError;
    throw new ErrorClass(`The token endpoint ${host} answered ${response.status} to the client credentials`, { details: { status: response.status, body: scrub(text, 500) } });
  }
  let body: { access_token?: unknown; expires_in?: unknown };
  try {
    body = JSON.parse(text) as typeof body;
  } catch (error) {
    throw new NonRetriableError(`The token endpoint ${host} did not answer with JSON`, { cause: error });
  }
  if (typeof body.access_token !== 'string' || body.access_token === '') throw new NonRetriableError(`The token endpoint ${host} answered without an access_token`);
  const lifetime = Number(body.expires_in);
  return { token: body.access_token, expiresAt: Date.now() + (Number.isFinite(lifetime) && lifetime > 0 ? lifetime : DEFAULT_LIFETIME_S) * 1000 };
}

/** An access token for the credential, from the cache while it is fresh. */
export async function oauth2Token(credential: Extract<HttpCredential, { type: 'oauth2ClientCredentials' }>, use: CredentialUse): Promise<string> {
  const key = cacheKey(credential);
  const cached = tokens.get(key);
  if (cached) {
    const token = await cached.catch(() => null);
    if (token && token.expiresAt - REFRESH_EARLY_MS > Date.now()) return token.token;
    if (tokens.get(key) === cached) tokens.delete(key);
  }
  let pending = tokens.get(key);
  if (!pending) {
    pending = fetchToken(credential, use);
    tokens.set(key, pending);
    pending.catch(() => tokens.delete(key));
  }
  return (await pending).token;
}

/** Forgets a cached token the server refused (401), so the next attempt fetches another. */
export function forgetOAuth2Token(credential: CredentialValue): void {
  if (credential.type === 'oauth2ClientCredentials') tokens.delete(cacheKey(credential));
}

/**
 * Sets a header whose value comes from the credential. One saved before values were
 * checked, or a token a server handed out, can hold a character no header carries:
 * every attempt would fail the same way.
 */
function setCredentialHeader(headers: Headers, name: string, value: string, field: string): void {
  try {
    headers.set(name, value);
  } catch (error) {
    throw new NonRetriableError(
      `The header ${name} holds a character HTTP headers cannot carry (${unsendableInHeader(value) ?? '?'}); it comes from the ${field}, which can hold only printable Latin-1 characters (letters without accents, digits, punctuation)`,
      { cause: error },
    );
  }
}

/**
 * Adds the credential's authentication to `headers`. `redact` receives every derived
 * secret (the Basic header value, a fetched token) so the runtime can scrub them.
 */
export async function applyHttpCredential(credential: CredentialValue, url: URL, headers: Headers, options: CredentialUse): Promise<void> {
  if (!isHttpCredential(credential)) throw new NonRetriableError(`A "${credential.type}" credential cannot authenticate an HTTP request`);
  if (!hostAllowed(credential.data.allowedHosts, url)) {
    throw new NonRetriableError(`The credential may only be sent to ${credential.data.allowedHosts.join(', ')}, not to ${url.host}`);
  }
  switch (credential.type) {
    case 'httpHeader':
      setCredentialHeader(headers, credential.data.name, credential.data.value, "credential's value");
      return;
    case 'httpBearer':
      setCredentialHeader(headers, 'Authorization', `Bearer ${credential.data.token}`, "credential's token");
      return;
    case 'httpBasic': {
      const encoded = Buffer.from(`${credential.data.username}:${credential.data.password}`).toString('base64');
      options.redact(encoded);
      headers.set('authorization', `Basic ${encoded}`);
      return;
    }
    case 'oauth2ClientCredentials': {
      const token = await oauth2Token(credential, options);
      options.redact(token);
      setCredentialHeader(headers, 'Authorization', `Bearer ${token}`, 'access token the token endpoint gave');
      return;
    }
  }
}
