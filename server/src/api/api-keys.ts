/**
 * API keys: each user manages their own (admins: anyone's but the owner's). A key is
 * shown once, when created, and stored as a hash; its scopes are capabilities no wider
 * than its user's role — or, when a key creates a key, than that key's scopes.
 * Revocation takes effect on the next request, in every process.
 */
import { createRoute, OpenAPIHono, z } from '@hono/zod-openapi';
import { ApiKeyCreated, ApiKeyList, type ApiKey } from '@junction/nodes';
import { createApiKey, getApiKey, listApiKeys, revokeApiKey, type ApiKeySummary } from '../db/queries/api-keys.ts';
import { isCapability, principalOf } from '../auth/middleware.ts';
import { CAPABILITIES, mayManageRole, seesEverything } from '../auth/roles.ts';
import type { ApiDeps } from './app.ts';
import { Auditor } from './audit.ts';
import { ApiError, notFound } from './errors.ts';
import { validationHook } from './request.ts';
import { errorResponses, IdParam, jsonResponse } from './schemas.ts';

const iso = (date: Date | null) => (date ? date.toISOString() : null);

const present = (key: ApiKeySummary): ApiKey => ({
  id: key.id,
  userId: key.userId,
  userEmail: key.userEmail,
  name: key.name,
  prefix: key.prefix,
  // Only capabilities are ever stored (NewApiKey checks them); any other word would grant nothing.
  scopes: key.scopes.filter(isCapability),
  createdAt: key.createdAt.toISOString(),
  lastUsedAt: iso(key.lastUsedAt),
  expiresAt: iso(key.expiresAt),
  revokedAt: iso(key.revokedAt),
});

const NewApiKey = z
  .object({
    name: z.string().trim().min(1, 'Give the key a name, e.g. "ERP sync"').max(200),
    scopes: z.array(z.enum(CAPABILITIES)).min(1).optional().openapi({ description: "Default: everything the caller may do" }),
    expiresInDays: z.number().int().min(1).max(3650).optional(),
  })
  .strict()
  .openapi('NewApiKey');

export function apiKeyRoutes(deps: ApiDeps) {
  const app = new OpenAPIHono({ defaultHook: validationHook });
  const audit = new Auditor(deps.db, deps.security);

  app.openapi(
    createRoute({
      method: 'get',
      path: '/',
      summary: "List API keys: your own; admins may ask for a user's (userId) or everyone's (all=true)",
      request: { query: z.object({ userId: z.uuid().optional(), all: z.enum(['true', 'false']).optional() }).strict() },
      responses: { 200: jsonResponse(ApiKeyList, 'The keys (never their values)'), ...errorResponses },
    }),
    async (c) => {
      const { userId, all } = c.req.valid('query');
      const me = principalOf(c).user;
      const others = all === 'true' || (userId !== undefined && userId !== me.id);
      if (others && !seesEverything(me.role)) throw new ApiError(403, 'forbidden', "Only admins may list other users' API keys");
      const keys = await listApiKeys(deps.db, all === 'true' ? undefined : (userId ?? me.id));
      return c.json({ apiKeys: keys.map(present) }, 200);
    },
  );

  app.openapi(
    createRoute({
      method: 'post',
      path: '/',
      summary: 'Create an API key for yourself; the key is in this answer only',
      request: { body: { content: { 'application/json': { schema: NewApiKey } }, required: true } },
      responses: { 201: jsonResponse(ApiKeyCreated, 'The new key'), ...errorResponses },
    }),
    async (c) => {
      const body = c.req.valid('json');
      const principal = principalOf(c);
      const mine = CAPABILITIES.filter((capability) => principal.capabilities.has(capability));
      const scopes = body.scopes ?? mine;
      const wider = scopes.filter((scope) => !principal.capabilities.has(scope));
      if (wider.length > 0) {
        throw new ApiError(400, 'scope_too_wide', `A key cannot do more than its creator: ${wider.join(', ')} ${wider.length === 1 ? 'is' : 'are'} not allowed to you`, { path: 'scopes' });
      }
      const expiresAt = body.expiresInDays ? new Date(Date.now() + body.expiresInDays * 86_400_000) : null;
      const { key, id } = await createApiKey(deps.db, { userId: principal.user.id, name: body.name, scopes: [...new Set(scopes)], expiresAt });
      await audit.record(c, { action: 'api_key.create', resourceType: 'api-key', resourceId: id, details: { name: body.name, scopes } });
      return c.json({ apiKey: present((await getApiKey(deps.db, id))!), key }, 201);
    },
  );

  app.openapi(
    createRoute({
      method: 'delete',
      path: '/{id}',
      summary: 'Revoke an API key (at once)',
      request: { params: IdParam },
      responses: { 204: { description: 'Revoked' }, ...errorResponses },
    }),
    async (c) => {
      const { id } = c.req.valid('param');
      const me = principalOf(c).user;
      const key = await getApiKey(deps.db, id);
      const own = key?.userId === me.id;
      if (!key || (!own && !seesEverything(me.role))) throw notFound('API key', id);
      if (!own && !mayManageRole(me.role, key.userRole)) throw new ApiError(403, 'forbidden', `A ${me.role} cannot revoke the keys of a ${key.userRole}`);
      await revokeApiKey(deps.db, id);
      await audit.record(c, { action: 'api_key.revoke', resourceType: 'api-key', resourceId: id, details: { userId: key.userId } });
      return c.body(null, 204);
    },
  );

  return app;
}
