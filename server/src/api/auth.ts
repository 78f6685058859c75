/**
 * Signing in and out, the first start, and the caller's own account.
 *
 * - `GET /api/setup` says whether Junction still needs its owner; `POST /api/setup`
 *   creates the owner (only while no user exists) and signs them in.
 * - Sign-in sets an HttpOnly, SameSite=Lax session cookie (Secure over HTTPS) holding a
 *   fresh random token: any session the browser brought is ended first (no fixation).
 *   Wrong passwords slow the account (and the address) down for a while, up to 30 s per
 *   attempt: `sign-in-limit.ts`.
 * - `GET /api/me` tells the browser who it is, what it may do, and the CSRF token that
 *   every cookie-authenticated write must carry in `X-CSRF-Token`.
 * - `POST /api/me/password` is for a signed-in person only (never an API key), and counts
 *   toward the same limit as sign-ins.
 */
import { createRoute, OpenAPIHono, z } from '@hono/zod-openapi';
import { ErrorResponse, Me, SetupStatus, SignedIn } from '@junction/nodes';
import type { Context } from 'hono';
import { deleteCookie, getCookie, setCookie } from 'hono/cookie';
import { attemptFailed, attemptSucceeded, beginPasswordAttempt, waitMessage, type PasswordAttempt } from '../auth/sign-in-limit.ts';
import { CAPABILITIES } from '../auth/roles.ts';
import { principalOf, SESSION_COOKIE } from '../auth/middleware.ts';
import { decoyHash, hashPassword, Password, verifyPassword } from '../auth/passwords.ts';
import { countUsers, createFirstOwner, createSession, deleteSession, deleteSessionsOf, findUserByEmail, getUser, normalizeEmail, pruneSessions, updateUser, type PublicUser } from '../db/queries/users.ts';
import type { ApiDeps } from './app.ts';
import { Auditor } from './audit.ts';
import { ApiError } from './errors.ts';
import { clientOf, isHttps, validationHook } from './request.ts';
import { errorResponses, jsonResponse } from './schemas.ts';
import { Email, presentUser, UserName } from './users.ts';
const json = jsonResponse;
const tooMany = { 429: { description: 'Too many wrong passwords: wait the seconds in Retry-After (at most 30) before trying again', content: { 'application/json': { schema: ErrorResponse } } } };

/** 429 for an attempt that came too soon, with the seconds to wait in Retry-After. */
function slowDown(wait: Extract<PasswordAttempt, { admitted: false }>, doing: string): ApiError {
  return new ApiError(429, 'sign_in_locked', waitMessage(wait, doing), { headers: { 'Retry-After': String(wait.seconds) } });
}

export function authRoutes(deps: ApiDeps) {
  const app = new OpenAPIHono({ defaultHook: validationHook });
  const { db, pool, security } = deps;
  const audit = new Auditor(db, security);

  /** Ends whatever session the browser brought, then starts a new one: a session id is never chosen by the client. */
  async function startSession(c: Context, user: PublicUser): Promise<string> {
    const brought = getCookie(c, SESSION_COOKIE);
    if (brought) await deleteSession(db, brought);
    // Expired sessions are removed here, where new ones are made, rather than by a timer.
    await pruneSessions(db);
    const { ip, userAgent } = clientOf(c, security);
    const session = await createSession(db, { userId: user.id, ttlMs: security.sessionTtlMs, ip, userAgent });
    setCookie(c, SESSION_COOKIE, session.token, {
      httpOnly: true,
      sameSite: 'Lax',
      secure: isHttps(c, security),
      path: '/',
      maxAge: Math.floor(security.sessionTtlMs / 1000),
    });
    return session.csrfToken;
  }

  app.openapi(
    createRoute({
      method: 'get',
      path: '/setup',
      summary: 'Whether this Junction still needs its owner account (the first visitor creates it)',
      security: [],
      responses: { 200: json(SetupStatus, 'needed: true until the owner exists') },
    }),
    async (c) => c.json({ needed: (await countUsers(db)) === 0 }, 200),
  );

  app.openapi(
    createRoute({
      method: 'post',
      path: '/setup',
      summary: 'Create the owner account and sign in (only while no user exists)',
      security: [],
      request: { body: { content: { 'application/json': { schema: z.object({ email: Email, name: UserName, password: Password }).strict().openapi('Setup') } }, required: true } },
      responses: { 201: json(SignedIn, 'The owner, signed in (session cookie set)'), ...errorResponses },
    }),
    async (c) => {
      const body = c.req.valid('json');
      const owner = await createFirstOwner(db, { email: body.email, name: body.name, passwordHash: await hashPassword(body.password) });
      if (!owner) throw new ApiError(409, 'setup_done', 'Junction has its owner already; sign in instead');
      await audit.record(c, { action: 'setup.owner', resourceType: 'user', resourceId: owner.id, actor: { id: owner.id, email: owner.email } });
      const csrfToken = await startSession(c, owner);
      return c.json({ user: presentUser(owner), csrfToken }, 201);
    },
  );

  app.openapi(
    createRoute({
      method: 'post',
      path: '/auth/sign-in',
      summary: 'Sign in with e-mail and password: sets the session cookie',
      security: [],
      request: { body: { content: { 'application/json': { schema: z.object({ email: z.string().max(320), password: z.string().max(1024) }).strict().openapi('SignIn') } }, required: true } },
      responses: { 200: json(SignedIn, 'Signed in (session cookie set)'), ...tooMany, ...errorResponses },
    }),
    async (c) => {
      const { email, password } = c.req.valid('json');
      const actor = { id: null, email: normalizeEmail(email) };
      const attempt = await beginPasswordAttempt(pool, email, clientOf(c, security).ip);
      if (!attempt.admitted) {
        if (attempt.first) await audit.record(c, { action: 'auth.sign_in_failed', resourceType: 'session', actor, details: { reason: `locked ${attempt.what}` } });
        throw slowDown(attempt, 'signing in');
      }
      const user = await findUserByEmail(db, email);
      // Verified even when there is no such user, so the answer takes as long either way.
      const matches = await verifyPassword(password, user?.passwordHash ?? (await decoyHash()));
      if (!user || !matches || user.disabledAt) {
        await attemptFailed(pool, attempt);
        await audit.record(c, {
          action: 'auth.sign_in_failed',
          resourceType: 'session',
          actor: { ...actor, id: user?.id ?? null },
          details: { reason: !user ? 'unknown e-mail' : !matches ? 'wrong password' : 'user disabled' },
        });
        throw new ApiError(401, 'invalid_credentials', 'The e-mail or the password is not right');
      }
      await attemptSucceeded(pool, attempt, email);
      const csrfToken = await startSession(c, user);
      await audit.record(c, { action: 'auth.sign_in', resourceType: 'session', actor: { id: user.id, email: user.email } });
      return c.json({ user: presentUser(user), csrfToken }, 200);
    },
  );

  app.openapi(
    createRoute({
      method: 'post',
      path: '/auth/sign-out',
      summary: 'Sign out: ends this session and clears its cookie',
      responses: { 204: { description: 'Signed out' }, ...errorResponses },
    }),
    async (c) => {
      const principal = principalOf(c);
      if (principal.sessionToken) await deleteSession(db, principal.sessionToken);
      deleteCookie(c, SESSION_COOKIE, { path: '/' });
      await audit.record(c, { action: 'auth.sign_out', resourceType: 'session' });
      return c.body(null, 204);
    },
  );

  app.openapi(
    createRoute({
      method: 'get',
      path: '/me',
      summary: 'Who is calling: user, role, capabilities, and the CSRF token for cookie-authenticated writes',
      responses: { 200: json(Me, 'The caller'), ...errorResponses },
    }),
    async (c) => {
      const principal = principalOf(c);
      const user = await getUser(db, principal.user.id);
      return c.json(
        {
          user: presentUser(user!),
          capabilities: CAPABILITIES.filter((capability) => principal.capabilities.has(capability)),
          authenticatedWith: principal.via,
          csrfToken: principal.csrfToken,
        },
        200,
      );
    },
  );

  app.openapi(
    createRoute({
      method: 'post',
      path: '/me/password',
      summary: 'Change your password (signs you out everywhere else); a signed-in session only, not an API key',
      request: {
        body: { content: { 'application/json': { schema: z.object({ currentPassword: z.string().max(1024), newPassword: Password }).strict().openapi('PasswordChange') } }, required: true },
      },
      responses: { 204: { description: 'Changed' }, ...tooMany, ...errorResponses },
    }),
    async (c) => {
      const principal = principalOf(c);
      const body = c.req.valid('json');
      const user = await getUser(db, principal.user.id);
      if (!user) throw new ApiError(401, 'unauthenticated', 'Your account no longer exists; sign in again');
      const attempt = await beginPasswordAttempt(pool, user.email, clientOf(c, security).ip);
      if (!attempt.admitted) {
        if (attempt.first) await audit.record(c, { action: 'user.password_failed', resourceType: 'user', resourceId: user.id, details: { reason: `locked ${attempt.what}` } });
        throw slowDown(attempt, 'trying');
      }
      if (!(await verifyPassword(body.currentPassword, user.passwordHash))) {
        await attemptFailed(pool, attempt);
        await audit.record(c, { action: 'user.password_failed', resourceType: 'user', resourceId: user.id, details: { reason: 'wrong password' } });
        throw new ApiError(400, 'wrong_password', 'The current password is not right', { path: 'currentPassword' });
      }
      await attemptSucceeded(pool, attempt, user.email);
      await updateUser(db, user.id, { passwordHash: await hashPassword(body.newPassword) });
      await deleteSessionsOf(db, user.id, principal.sessionToken ?? undefined);
      await audit.record(c, { action: 'user.password', resourceType: 'user', resourceId: user.id });
      return c.body(null, 204);
    },
  );

  return app;
}
