/**
 * The one door to Junction's HTTP API. Every request goes through `request()`; the
 * session plugs in once at start-up (`session/SessionGate.tsx`): `configureApi({ headers,
 * onUnauthorized })` adds the session's CSRF header to every request and shows the
 * sign-in screen when the server answers 401.
 */
import type { ApiIssue, ErrorResponse } from './types.ts';

/** An error the server answered with (`{ error: { code, message, path?, issues? } }`), or a network failure (status 0). */
export class ApiError extends Error {
  override name = 'ApiError';
  readonly status: number;
  readonly code: string;
  readonly path: string | undefined;
  readonly issues: ApiIssue[];
  /** Seconds to wait before trying again (a 429's Retry-After), when the server said. */
  readonly retryAfter: number | undefined;

  constructor(status: number, code: string, message: string, extra: { path?: string; issues?: ApiIssue[]; retryAfter?: number; cause?: unknown } = {}) {
    super(message, { cause: extra.cause });
    this.status = status;
    this.code = code;
    this.path = extra.path;
    this.issues = extra.issues ?? [];
    this.retryAfter = extra.retryAfter;
  }
}

export interface ApiHooks {
  /** Extra headers for every request (the session's CSRF token). */
  headers(): Record<string, string>;
  /** Called when the server answers 401 (signed out): show the sign-in screen. */
  onUnauthorized(error: ApiError): void;
  /**
   * Called when a write was refused for its CSRF token (403 csrf_failed: the session was
   * renewed, e.g. by a sign-in in another tab): fetch the current token; true to send the
   * write once more with it.
   */
  refreshCsrf(): Promise<boolean>;
}

const hooks: ApiHooks = { headers: () => ({}), onUnauthorized: () => undefined, refreshCsrf: async () => false };

export function configureApi(next: Partial<ApiHooks>): void {
  Object.assign(hooks, next);
}

export type Query = Record<string, string | number | boolean | undefined | null>;

export function withQuery(path: string, query?: Query): string {
  if (!query) return path;
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries(query)) if (value !== undefined && value !== null && value !== '') params.set(key, String(value));
  const text = params.toString();
  return text ? `${path}?${text}` : path;
}

async function errorFrom(response: Response): Promise<ApiError> {
  const text = await response.text().catch(() => '');
  const wait = Number(response.headers.get('retry-after'));
  const retryAfter = Number.isFinite(wait) && wait > 0 ? wait : undefined;
  try {
    // Anything may answer (a proxy): only a body with the contract's error shape is read as one.
    const body = JSON.parse(text) as Partial<ErrorResponse>;
    if (body.error?.message) {
      return new ApiError(response.status, body.error.code ?? 'error', body.error.message, { path: body.error.path, issues: body.error.issues, retryAfter });
    }
  } catch {
    // Not our JSON shape (a proxy's HTML page): fall through to the status line.
  }
  return new ApiError(response.status, 'http_error', `The server answered ${response.status} ${response.statusText}`.trim());
}

export interface RequestOptions {
  body?: unknown;
  query?: Query;
  signal?: AbortSignal;
  /** Send `body` as it is (already JSON text). */
  rawBody?: boolean;
}

/** Calls the API; resolves with the parsed JSON answer (undefined for 204), or rejects with an ApiError. */
export async function request<T>(method: string, path: string, options: RequestOptions = {}, retried = false): Promise<T> {
  const headers: Record<string, string> = { accept: 'application/json', ...hooks.headers() };
  let body: string | undefined;
  if (options.body !== undefined) {
    headers['content-type'] = 'application/json';
    body = options.rawBody ? String(options.body) : JSON.stringify(options.body);
  }
  let response: Response;
  try {
    response = await fetch(withQuery(path, options.query), { method, headers, body, signal: options.signal, credentials: 'same-origin' });
  } catch (error) {
    if ((error as Error).name === 'AbortError') throw error;
    throw new ApiError(0, 'network', "Junction's server cannot be reached. Check that it is running, then try again.", { cause: error });
  }
  if (!response.ok) {
    const error = await errorFrom(response);
    if (response.status === 401) hooks.onUnauthorized(error);
    if (error.code === 'csrf_failed' && !retried && (await hooks.refreshCsrf())) return request<T>(method, path, options, true);
    throw error;
  }
  if (response.status === 204) return undefined as T;
  const text = await response.text();
  return (text ? JSON.parse(text) : undefined) as T;
}
