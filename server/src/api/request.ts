import type { Hook } from '@hono/zod-openapi';
import { getConnInfo } from '@hono/node-server/conninfo';
import type { Context, Env } from 'hono';
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

/**
 * The caller's address and browser, for the audit log and the sign-in limit. Behind a
 * trusted proxy (JUNCTION_TRUST_PROXY) the first X-Forwarded-For address; otherwise the
 * socket's (none when a test calls the app without a socket).
 */
export function clientOf(c: Context, trustProxy: boolean): { ip: string | null; userAgent: string | null } {
  let ip: string | null = null;
  if (trustProxy) ip = c.req.header('x-forwarded-for')?.split(',')[0]?.trim() || null;
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
export function isHttps(c: Context, trustProxy: boolean): boolean {
  if (new URL(c.req.url).protocol === 'https:') return true;
  return trustProxy && c.req.header('x-forwarded-proto')?.split(',')[0]?.trim() === 'https';
}
