/**
 * Users: admins (and the owner) create them, change their name, e-mail, role or
 * password, and disable them (never delete: the audit log names them). Nobody can make
 * a second owner or change the owner through this API; admins manage admins, editors
 * and viewers. Editors may list users (to share workflows with them).
 */
import { createRoute, OpenAPIHono, z } from '@hono/zod-openapi';
import { ASSIGNABLE_ROLES, User, UserList } from '@junction/nodes';
import { createUser, deleteSessionsOf, disableUser, EmailTaken, enableUser, getUser, listUsers, updateUser, type PublicUser } from '../db/queries/users.ts';
import { hashPassword, Password } from '../auth/passwords.ts';
import { principalOf } from '../auth/middleware.ts';
import { mayManageRole } from '../auth/roles.ts';
import type { ApiDeps } from './app.ts';
import { Auditor } from './audit.ts';
import { ApiError, notFound } from './errors.ts';
import { validationHook } from './request.ts';
import { errorResponses, IdParam, jsonResponse } from './schemas.ts';

export const Email = z.email({ message: 'Not an e-mail address' }).max(320);
export const UserName = z.string().trim().min(1, 'Give a name').max(200);

export function presentUser(user: PublicUser): User {
  return {
    id: user.id,
    email: user.email,
    name: user.name,
    role: user.role,
    disabled: user.disabledAt !== null,
    createdAt: user.createdAt.toISOString(),
    updatedAt: user.updatedAt.toISOString(),
  };
}

const AssignableRole = z.enum(ASSIGNABLE_ROLES, { message: 'The role must be admin, editor or viewer (there is one owner)' });

const NewUser = z.object({ email: Email, name: UserName, role: AssignableRole, password: Password }).strict().openapi('NewUser');
const UserPatch = z
  .object({ email: Email.optional(), name: UserName.optional(), role: AssignableRole.optional(), password: Password.optional() })
  .strict()
  .openapi('UserPatch');

const emailTaken = (error: unknown): never => {
  if (error instanceof EmailTaken) throw new ApiError(409, 'email_taken', error.message, { path: 'email', cause: error });
  throw error;
};

/** "an admin", "a viewer" */
const withArticle = (role: string) => `${/^[aeiou]/.test(role) ? 'An' : 'A'} ${role}`;

export function userRoutes(deps: ApiDeps) {
  const app = new OpenAPIHono({ defaultHook: validationHook });
  const audit = new Auditor(deps.db, deps.security);

  /** The user, when the caller may manage them (admins: not the owner, not other admins unless owner). */
  const manageable = async (c: Parameters<typeof principalOf>[0], id: string) => {
    const user = await getUser(deps.db, id);
    if (!user) throw notFound('User', id);
    const me = principalOf(c).user;
    if (user.id === me.id) throw new ApiError(403, 'forbidden', 'Change your own account through /api/me');
    if (!mayManageRole(me.role, user.role)) throw new ApiError(403, 'forbidden', `${withArticle(me.role)} cannot change a user whose role is ${user.role}`);
    return user;
  };

  app.openapi(
    createRoute({
      method: 'get',
      path: '/',
      summary: 'List users',
      responses: { 200: jsonResponse(UserList, 'Every user'), ...errorResponses },
    }),
    async (c) => c.json({ users: (await listUsers(deps.db)).map(presentUser) }, 200),
  );

  app.openapi(
    createRoute({
      method: 'post',
      path: '/',
      summary: 'Create a user (admins)',
      request: { body: { content: { 'application/json': { schema: NewUser } }, required: true } },
      responses: { 201: jsonResponse(User, 'The new user'), ...errorResponses },
    }),
    async (c) => {
      const body = c.req.valid('json');
      const me = principalOf(c).user;
      if (!mayManageRole(me.role, body.role)) throw new ApiError(403, 'forbidden', `${withArticle(me.role)} cannot create a user with the role ${body.role}`);
      const user = await createUser(deps.db, { email: body.email, name: body.name, role: body.role, passwordHash: await hashPassword(body.password) }).catch(emailTaken);
      await audit.record(c, { action: 'user.create', resourceType: 'user', resourceId: user.id, details: { email: user.email, role: user.role } });
      return c.json(presentUser(user), 201);
    },
  );

  app.openapi(
    createRoute({ method: 'get', path: '/{id}', summary: 'Get a user', request: { params: IdParam }, responses: { 200: jsonResponse(User, 'The user'), ...errorResponses } }),
    async (c) => {
      const { id } = c.req.valid('param');
      const user = await getUser(deps.db, id);
      if (!user) throw notFound('User', id);
      return c.json(presentUser(user), 200);
    },
  );

  app.openapi(
    createRoute({
      method: 'put',
      path: '/{id}',
      summary: "Change a user's e-mail, name, role or password (a new password signs them out everywhere)",
      request: { params: IdParam, body: { content: { 'application/json': { schema: UserPatch } }, required: true } },
      responses: { 200: jsonResponse(User, 'The user after the change'), ...errorResponses },
    }),
    async (c) => {
      const { id } = c.req.valid('param');
      const body = c.req.valid('json');
      await manageable(c, id);
      const me = principalOf(c).user;
      if (body.role && !mayManageRole(me.role, body.role)) throw new ApiError(403, 'forbidden', `${withArticle(me.role)} cannot give the role ${body.role}`);
      const { password, ...fields } = body;
      const user = await updateUser(deps.db, id, { ...fields, ...(password ? { passwordHash: await hashPassword(password) } : {}) }).catch(emailTaken);
      if (password || body.role) await deleteSessionsOf(deps.db, id);
      await audit.record(c, { action: 'user.update', resourceType: 'user', resourceId: id, details: { changed: Object.keys(body).sort() } });
      return c.json(presentUser(user!), 200);
    },
  );

  app.openapi(
    createRoute({
      method: 'delete',
      path: '/{id}',
      summary: 'Disable a user: they cannot sign in, their sessions end and their API keys are revoked (the account stays, for the audit log)',
      request: { params: IdParam },
      responses: { 200: jsonResponse(User, 'The disabled user'), ...errorResponses },
    }),
    async (c) => {
      const { id } = c.req.valid('param');
      await manageable(c, id);
      const user = await disableUser(deps.db, id);
      await audit.record(c, { action: 'user.disable', resourceType: 'user', resourceId: id });
      return c.json(presentUser(user!), 200);
    },
  );

  app.openapi(
    createRoute({
      method: 'post',
      path: '/{id}/enable',
      summary: 'Enable a disabled user again (their old API keys stay revoked)',
      request: { params: IdParam },
      responses: { 200: jsonResponse(User, 'The user'), ...errorResponses },
    }),
    async (c) => {
      const { id } = c.req.valid('param');
      await manageable(c, id);
      const user = await enableUser(deps.db, id);
      await audit.record(c, { action: 'user.enable', resourceType: 'user', resourceId: id });
      return c.json(presentUser(user!), 200);
    },
  );

  return app;
}
