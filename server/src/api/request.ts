import type { Hook } from '@hono/zod-openapi';
import { getConnInfo } from '@hono/node-server/conninfo';
import type { Context, Env, MiddlewareHandler } from 'hono';
import { tooDeepAt } from '@junction/nodes';
import { unstorableAt } from '../db/storable-text.ts';
import { ApiError, fromZodError } from './errors.ts';

/** zod-openapi's hook for a request that failed its schema: our 400 shape. */
export const validationHook: Hook<unknown, Env, string, unknown> = (result) => {
  if (!result.success) throw fromZodError(result.error, result.target === 'json' ? 'body' : result.target);
};

/** Opaque paging cursors: base64url of the key parts joined by "|". */
export function encodeCursor(parts: string[]): string {
  return Buffer.from(parts.join('|')).toString('base64url');
}

export function decodeCursor<T>(cursor: string, read: (parts: string[]) => T): T {
  try {
    const value = read(Buffer.from(cursor, 'base64url').toString('utf8').split('|'));
    if (value instanceof Date && Number.isNaN(value.getTime())) throw new Error('bad date');
    return value;
  } catch (error) {
    throw new ApiError(400, 'invalid_cursor', 'The cursor is not one this API gave out; start again without it', { path: 'cursor', cause: error });
  }
}

/** Whether requests come through reverse proxies, and through how many (app.ts SecurityOptions). */
export interface ProxyTrust {
  /** Client address from X-Forwarded-For, HTTPS from X-Forwarded-Proto. */
  trustProxy: boolean;
  /** How many proxies of one's own stand in front (each appends one X-Forwarded-For entry); default 1. */
  proxyHops?: number;
}

/**
 * The client's address from an X-Forwarded-For header, written through `hops` proxies
 * of one's own: each appends the address it was called from, so the last `hops` entries
 * are theirs and the one they were given by the outermost of them is the client's.
 * Entries further left are whatever the client sent, and are never believed.
 *
 * @example forwardedClient('203.0.113.9, 198.51.100.7', 1) // '198.51.100.7' (the client wrote the first)
 */
export function forwardedClient(header: string | undefined, hops: number): string | null {
  const entries = (header ?? '').split(',').map((entry) => entry.trim());
  // Fewer entries than proxies: the left-most was still written by one of them.
  const entry = entries[Math.max(0, entries.length - Math.max(1, hops))];
  return entry || null;
}

/**
 * The caller's address and browser, for the audit log and the sign-in limit. Behind
 * trusted proxies (JUNCTION_TRUST_PROXY, JUNCTION_TRUST_PROXY_HOPS) the X-Forwarded-For
 * entry their outermost one wrote; otherwise the socket's (none when a test calls the
 * app without a socket).
 */
export function clientOf(c: Context, proxy: ProxyTrust): { ip: string | null; userAgent: string | null } {
  let ip: string | null = null;
  if (proxy.trustProxy) ip = forwardedClient(c.req.header('x-forwarded-for'), proxy.proxyHops ?? 1);
  if (!ip) {
    try {
      ip = getConnInfo(c).remote.address ?? null;
    } catch {
      // No socket (app.request in tests): the address is unknown, which the log says as null.
      ip = null;
    }
  }
  return { ip, userAgent: c.req.header('user-agent')?.slice(0, 500) ?? null };
}

/** True when the browser reached us over HTTPS (directly, or through a trusted proxy that says so). */
export function isHttps(c: Context, proxy: ProxyTrust): boolean {
  if (new URL(c.req.url).protocol === 'https:') return true;
  return proxy.trustProxy && c.req.header('x-forwarded-proto')?.split(',')[0]?.trim() === 'https';
}

/** Routes whose body is run data (stored with such characters replaced), not something a person typed. */
const DATA_ROUTES = /^\/api\/(workflows\/[^/]+\/run|expressions\/preview)$/;

/**
 * Refuses, with a 400 saying where, text PostgreSQL cannot store (NUL, half of a surrogate
 * pair) in the query and JSON body of a management request: a name, a graph, a variable,
 * an e-mail. Run data (webhook bodies, a run's input) is kept instead, with the character
 * replaced (db/storable-text.ts).
 */
export function refuseUnstorableText(): MiddlewareHandler {
  return async (c, next) => {
    if (!c.req.path.startsWith('/api/')) return next();
    for (const [name, value] of new URL(c.req.url).searchParams) {
      if (value.includes('\0') || name.includes('\0')) {
        throw new ApiError(400, 'unstorable_text', `The query parameter "${name.replaceAll('\0', '')}" holds a NUL character (%00); remove it`, { path: `query.${name.replaceAll('\0', '')}` });
      }
    }
    if (c.req.method !== 'GET' && c.req.method !== 'HEAD' && !DATA_ROUTES.test(c.req.path) && /\bjson\b/i.test(c.req.header('content-type') ?? '')) {
      const text = await c.req.text();
      const at = unstorableAt(text);
      if (at >= 0) {
        throw new ApiError(
          400,
          'unstorable_text',
          `The request body holds a character that cannot be stored — a NUL (\\u0000) or half of a surrogate pair — at character ${at} of its JSON; remove it`,
        );
      }
    }
    return next();
  };
}

/**
 * How deep a JSON request body to the API may nest: deeper than any graph, variable or
 * item (items: MAX_ITEM_DEPTH, 100) needs, shallow enough that whatever walks it
 * recursively later (a schema, JSON.stringify, a copy) cannot overflow the stack.
 */
export const MAX_BODY_DEPTH = 128;

/**
 * True when JSON `text` opens more than `max` arrays or objects inside each other.
 * Counts brackets outside strings, character by character: no parsing, no recursion, so
 * it answers for a body of a million levels as for any other.
 */
export function nestsDeeperThan(text: string, max: number): boolean {
  let depth = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const char = text.charCodeAt(i);
    if (inString) {
      if (char === 0x5c) i++; // a backslash: the next character is escaped
      else if (char === 0x22) inString = false;
    } else if (char === 0x22) {
      inString = true;
    } else if (char === 0x5b || char === 0x7b) {
      if (++depth > max) return true;
    } else if (char === 0x5d || char === 0x7d) {
      depth--;
    }
  }
  return false;
}

/** The 400 for a body nested too deeply, naming where (the JSON path, as validation errors do). */
export function tooDeep(text: string, max = MAX_BODY_DEPTH): ApiError {
  let where: string | undefined;
  try {
    // JSON.parse and tooDeepAt walk without recursion: safe at any depth.
    where = tooDeepAt(JSON.parse(text), max)?.replace(/^\$\.?/, '');
  } catch {
    // Not valid JSON as well: the depth is the news; where it is cannot be told.
    where = undefined;
  }
  const at = where ? `, at ${where.length > 200 ? `${where.slice(0, 200)}…` : where}` : '';
  return new ApiError(400, 'too_deep', `The request body nests more than ${max} levels deep${at}; no document Junction keeps nests so deep`, where ? { path: where } : {});
}

/**
 * Refuses, with 400 `too_deep`, a JSON body to the API nested deeper than MAX_BODY_DEPTH,
 * before any route parses or validates it.
 */
export function refuseDeepJson(): MiddlewareHandler {
  return async (c, next) => {
    if (!c.req.path.startsWith('/api/') || c.req.method === 'GET' || c.req.method === 'HEAD') return next();
    if (!/\bjson\b/i.test(c.req.header('content-type') ?? '')) return next();
    const text = await c.req.text();
    if (nestsDeeperThan(text, MAX_BODY_DEPTH)) throw tooDeep(text);
    return next();
  };
}
