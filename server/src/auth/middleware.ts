/**
 * Who is calling, and may they: one middleware in front of every route.
 *
 * 1. `Authorization: Bearer <API key>`, else the session cookie, else nobody.
 * 2. The route's rule (`rules.ts`): public routes pass; others need a caller (401) with
 *    the rule's capability (403), and a session rather than an API key when the rule says
 *    so (403). A route without a rule is refused (500): fail closed.
 * 3. A cookie-authenticated write must carry the session's CSRF token in `X-CSRF-Token`.
 *    A custom header cannot be sent cross-site without a CORS preflight, which Junction
 *    never grants, and the token ties the request to the session.
 *
 * Resource checks (own, shared, everyone's) happen in the handlers, which know the
 * resource; they read the caller from `c.get('principal')`.
 */
import type { Context, MiddlewareHandler } from 'hono';
import { getCookie } from 'hono/cookie';
import { matchedRoutes } from 'hono/route';
import type pg from 'pg';
import { findApiKey, markApiKeyUsed } from '../db/queries/api-keys.ts';
import { findSession, touchSession } from '../db/queries/users.ts';
import { log } from '../log.ts';
import { ApiError } from '../api/errors.ts';
import { capabilitiesOf, RULES, type Rule } from './rules.ts';
import { CAPABILITIES, ROLE_CAPABILITIES, type Capability, type Role } from './roles.ts';
import { sameSecret } from './tokens.ts';

export const SESSION_COOKIE = 'junction_session';
export const CSRF_HEADER = 'x-csrf-token';

export interface Principal {
  user: { id: string; email: string; name: string; role: Role };
  capabilities: ReadonlySet<Capability>;
  via: 'session' | 'apiKey';
  apiKeyId: string | null;
  /** The session cookie's value (sign-out, password change keep or end it). */
  sessionToken: string | null;
  csrfToken: string | null;
}

declare module 'hono' {
  interface ContextVariableMap {
    principal: Principal | null;
  }
}

export interface AuthOptions {
  pool: pg.Pool;
  sessionIdleMs: number;
}

/**
 * `METHOD /path` of the route that will answer, or null when none will (404, or the
 * editor's files, which are public). Catch-all handlers (`*`: middleware, the editor's
 * files and its page for every other path) match everything, before and after the route
 * itself, so the first route that is not one of them is the one that answers.
 */
export function routeKey(c: Context): string | null {
  const route = matchedRoutes(c).find((matched) => matched.path !== '/*' && matched.path !== '*');
  return route ? `${route.method} ${route.path}` : null;
}

const UNSAFE = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);
/** How often `last_seen_at` / `last_used_at` are written: not on every request. */
const TOUCH_EVERY_MS = 60_000;

export function principalOf(c: Context): Principal {
  const principal = c.get('principal');
  if (!principal) throw new ApiError(401, 'unauthenticated', 'Sign in, or send an API key as "Authorization: Bearer <key>"');
  return principal;
}

export function can(principal: Principal, capability: Capability): boolean {
  return principal.capabilities.has(capability);
}

async function authenticate(c: Context, options: AuthOptions): Promise<Principal | null> {
  const authorization = c.req.header('authorization');
  if (authorization !== undefined) {
    const match = /^Bearer\s+(\S+)\s*$/i.exec(authorization);
    if (!match) throw unauthenticated('The Authorization header must be "Bearer <API key>"');
    const key = await findApiKey(options.pool, match[1]!);
    if (!key) throw unauthenticated('The API key is not valid (unknown, revoked or expired)');
    if (!key.lastUsedAt || Date.now() - key.lastUsedAt.getTime() > TOUCH_EVERY_MS) {
      markApiKeyUsed(options.pool, key.keyId).catch((error: Error) => log.warn('could not record an API key use', { error: error.message }));
    }
    const allowed = new Set(ROLE_CAPABILITIES[key.role]);
    return {
      user: { id: key.userId, email: key.email, name: key.name, role: key.role },
      capabilities: new Set(key.scopes.filter((scope): scope is Capability => allowed.has(scope as Capability))),
      via: 'apiKey',
      apiKeyId: key.keyId,
      sessionToken: null,
      csrfToken: null,
    };
  }
  const token = getCookie(c, SESSION_COOKIE);
  if (!token) return null;
  const session = await findSession(options.pool, token, options.sessionIdleMs);
  if (!session) return null;
  if (Date.now() - session.lastSeenAt.getTime() > TOUCH_EVERY_MS) {
    touchSession(options.pool, token).catch((error: Error) => log.warn('could not record a session use', { error: error.message }));
  }
  return {
    user: { id: session.userId, email: session.email, name: session.name, role: session.role },
    capabilities: new Set(ROLE_CAPABILITIES[session.role]),
    via: 'session',
    apiKeyId: null,
    sessionToken: token,
    csrfToken: session.csrfToken,
  };
}

const unauthenticated = (message: string) => new ApiError(401, 'unauthenticated', message, { headers: { 'WWW-Authenticate': 'Bearer realm="Junction"' } });

export function authorize(options: AuthOptions): MiddlewareHandler {
  return async (c, next) => {
    c.set('principal', null);
    const key = routeKey(c);
    if (key === null) return next();
    const rule: Rule | undefined = RULES[key];
    if (!rule) {
      log.error('a route has no access rule; refusing it', { route: key });
      throw new ApiError(500, 'no_access_rule', 'This route has no access rule yet, so it is refused');
    }
    if (rule.public) return next();
    const principal = await authenticate(c, options);
    if (!principal) throw unauthenticated('Sign in, or send an API key as "Authorization: Bearer <key>"');
    if (principal.via === 'session' && UNSAFE.has(c.req.method)) {
      const sent = c.req.header(CSRF_HEADER);
      if (!sent || !principal.csrfToken || !sameSecret(sent, principal.csrfToken)) {
        throw new ApiError(403, 'csrf_failed', `A change made with a session cookie must carry the session's CSRF token in the ${CSRF_HEADER} header (from GET /api/me)`);
      }
    }
    if (rule.sessionOnly && principal.via !== 'session') {
      throw new ApiError(403, 'forbidden', 'Only a signed-in person may do this, not an API key: sign in to Junction and do it there');
    }
    const missing = capabilitiesOf(rule).find((capability) => !principal.capabilities.has(capability));
    if (missing) {
      const why = principal.via === 'apiKey' && ROLE_CAPABILITIES[principal.user.role].includes(missing) ? 'this API key lacks the scope' : `the ${principal.user.role} role does not allow it`;
      throw new ApiError(403, 'forbidden', `You may not do this: it needs "${missing}", and ${why}`);
    }
    c.set('principal', principal);
    return next();
  };
}

export const isCapability = (value: string): value is Capability => (CAPABILITIES as readonly string[]).includes(value);
