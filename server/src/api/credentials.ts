/**
 * The credentials vault (decrypted here only to merge a change and to test a
 * connection; steps get theirs inside the worker). Admins create, change, share and delete credentials; editors
 * see the ones shared with them and use them in workflows. Nothing here ever returns a
 * secret: a credential comes back as its metadata and non-secret fields, with the names
 * of the secret fields that are set. Changing a credential replaces the fields sent
 * (null removes an optional one) and keeps the others.
 */
import { openSealed } from '../vault/open.ts';
import { createRoute, OpenAPIHono, z } from '@hono/zod-openapi';
import {
  Credential,
  CredentialList,
  CredentialTestResult,
  CredentialTypeIdSchema as TypeId,
  CredentialTypeList,
  CREDENTIAL_TYPE_IDS,
  CREDENTIAL_TYPES,
  formatPath,
  isCredentialType,
  type CredentialType,
  type CredentialTypeId,
  type CredentialValue,
  type JsonSchema,
  type ValidationIssue,
} from '@junction/nodes';
import { mayUseCredential } from '../auth/access.ts';
import { principalOf, type Principal } from '../auth/middleware.ts';
import { seesEverything } from '../auth/roles.ts';
import {
  createCredential,
  deleteCredential,
  getCredential,
  listCredentials,
  sealedCredential,
  updateCredential,
  type CredentialSummary,
} from '../db/queries/credentials.ts';
import { getUser } from '../db/queries/users.ts';
import { testConnection } from '../vault/test-connection.ts';
import { hostAllowed } from '@junction/nodes/server';
import type { ApiDeps } from './app.ts';
import { Auditor } from './audit.ts';
import { ApiError, notFound } from './errors.ts';
import { validationHook } from './request.ts';
import { forgetWebhookCredential } from './webhook-auth.ts';
import { errorResponses, IdParam, jsonResponse } from './schemas.ts';

const Data = z.record(z.string(), z.unknown()).openapi({ description: "The credential's fields, as its type's schema says (GET /api/credential-types)" });
const NewCredential = z
  .object({ name: z.string().trim().min(1, 'Give the credential a name').max(200), type: TypeId, data: Data, sharedWith: z.array(z.uuid()).max(500).default([]) })
  .strict()
  .openapi('NewCredential');
const CredentialChange = z
  .object({
    name: z.string().trim().min(1).max(200).optional(),
    data: z.record(z.string(), z.unknown().nullable()).optional().openapi({ description: 'Fields to replace; null removes an optional field; fields not sent keep their value' }),
    sharedWith: z.array(z.uuid()).max(500).optional(),
  })
  .strict()
  .openapi('CredentialChange');
const TestRequest = z.object({ url: z.url({ protocol: /^https?$/ }).max(2048).optional().openapi({ description: 'For HTTP credentials: the address to try them on' }) }).strict();

function present(credential: CredentialSummary): Credential {
  return {
    id: credential.id,
    name: credential.name,
    type: credential.type as CredentialTypeId,
    ownerId: credential.ownerId,
    sharedWith: credential.sharedWith,
    fields: credential.fields,
    secretsSet: credential.secretsSet,
    createdAt: credential.createdAt.toISOString(),
    updatedAt: credential.updatedAt.toISOString(),
  };
}

/** Checks `data` against the type's schema: 400 naming `data.<field>`, never echoing a value. */
function parseData(type: CredentialTypeId, data: unknown): Record<string, unknown> {
  const parsed = CREDENTIAL_TYPES[type].schema.safeParse(data);
  if (parsed.success) return parsed.data as Record<string, unknown>;
  const issues = parsed.error.issues.map((issue): ValidationIssue => {
    const path = ['data', formatPath(issue.path)].filter(Boolean).join('.').replace('.[', '[');
    return { code: 'invalid_credential', message: `${path}: ${issue.message}`, path };
  });
  throw new ApiError(400, 'invalid_credential', `The credential is not valid: ${issues[0]!.message}`, { path: issues[0]!.path, issues });
}

const describedTypes = CREDENTIAL_TYPE_IDS.map((type): CredentialType => ({
  type,
  label: CREDENTIAL_TYPES[type].label,
  description: CREDENTIAL_TYPES[type].description,
  secretFields: [...CREDENTIAL_TYPES[type].secretFields],
  schema: z.toJSONSchema(CREDENTIAL_TYPES[type].schema, { io: 'input', unrepresentable: 'any' }) as JsonSchema,
}));

export function credentialRoutes(deps: ApiDeps) {
  const app = new OpenAPIHono({ defaultHook: validationHook });
  const { db } = deps;
  const { keyring } = deps.security;
  const audit = new Auditor(db, deps.security);

  /** The credential, when the caller may see it (404 otherwise). */
  const visible = async (principal: Principal, id: string): Promise<CredentialSummary> => {
    const credential = await getCredential(db, id);
    if (!credential || !mayUseCredential(principal.user, credential)) throw notFound('Credential', id);
    return credential;
  };
  const open = async (credential: CredentialSummary) => openSealed(keyring, (await sealedCredential(deps.pool, credential.id))!).data as Record<string, unknown>;
  const checkUsers = async (userIds: string[]) => {
    for (const [index, userId] of userIds.entries()) {
      const user = await getUser(db, userId);
      if (!user || user.disabledAt) throw new ApiError(400, 'unknown_user', `There is no active user ${userId}`, { path: `sharedWith[${index}]` });
    }
  };

  app.openapi(
    createRoute({
      method: 'get',
      path: '/credential-types',
      summary: 'The credential types, each with the JSON Schema of its fields (writeOnly: a secret)',
      responses: { 200: jsonResponse(CredentialTypeList, 'Every credential type'), ...errorResponses },
    }),
    (c) => c.json({ credentialTypes: describedTypes }, 200),
  );

  app.openapi(
    createRoute({
      method: 'get',
      path: '/credentials',
      summary: 'List credentials: admins all, editors those shared with them (metadata only)',
      responses: { 200: jsonResponse(CredentialList, 'The credentials'), ...errorResponses },
    }),
    async (c) => {
      const principal = principalOf(c);
      const rows = await listCredentials(db, seesEverything(principal.user.role) ? undefined : principal.user.id);
      return c.json({ credentials: rows.map(present) }, 200);
    },
  );

  app.openapi(
    createRoute({
      method: 'post',
      path: '/credentials',
      summary: 'Store a credential (encrypted); the answer never holds its secrets',
      request: { body: { content: { 'application/json': { schema: NewCredential } }, required: true } },
      responses: { 201: jsonResponse(Credential, 'The stored credential'), ...errorResponses },
    }),
    async (c) => {
      const body = c.req.valid('json');
      const data = parseData(body.type, body.data);
      const sharedWith = [...new Set(body.sharedWith)];
      await checkUsers(sharedWith);
      const credential = await createCredential(db, keyring, { name: body.name, type: body.type, ownerId: principalOf(c).user.id, data, sharedWith });
      await audit.record(c, { action: 'credential.create', resourceType: 'credential', resourceId: credential.id, details: { name: body.name, type: body.type, sharedWith } });
      return c.json(present(credential), 201);
    },
  );

  app.openapi(
    createRoute({
      method: 'post',
      path: '/credentials/test',
      summary: 'Test a credential before saving it',
      request: { body: { content: { 'application/json': { schema: z.object({ type: TypeId, data: Data }).extend(TestRequest.shape).strict() } }, required: true } },
      responses: { 200: jsonResponse(CredentialTestResult, 'Whether it worked, and what the system said'), ...errorResponses },
    }),
    async (c) => {
      const body = c.req.valid('json');
      const data = parseData(body.type, body.data);
      const result = await testConnection({ id: 'unsaved', type: body.type, data } as CredentialValue, body.url);
      await audit.record(c, { action: 'credential.test', resourceType: 'credential', details: { type: body.type, ok: result.ok, ...(body.url ? { host: new URL(body.url).host } : {}) } });
      return c.json(result, 200);
    },
  );

  app.openapi(
    createRoute({ method: 'get', path: '/credentials/{id}', summary: "A credential's metadata", request: { params: IdParam }, responses: { 200: jsonResponse(Credential, 'The credential'), ...errorResponses } }),
    async (c) => {
      return c.json(present(await visible(principalOf(c), c.req.valid('param').id)), 200);
    },
  );

  app.openapi(
    createRoute({
      method: 'put',
      path: '/credentials/{id}',
      summary: 'Change a credential: its name, some of its fields, who it is shared with',
      request: { params: IdParam, body: { content: { 'application/json': { schema: CredentialChange } }, required: true } },
      responses: { 200: jsonResponse(Credential, 'The credential after the change'), ...errorResponses },
    }),
    async (c) => {
      const { id } = c.req.valid('param');
      const body = c.req.valid('json');
      const current = await visible(principalOf(c), id);
      if (!isCredentialType(current.type)) throw new ApiError(409, 'unknown_type', `The credential's type "${current.type}" is not known to this Junction`);
      let data: Record<string, unknown> | undefined;
      if (body.data) {
        const merged: Record<string, unknown> = { ...(await open(current)) };
        for (const [field, value] of Object.entries(body.data)) {
          if (value === null) delete merged[field];
          else Object.defineProperty(merged, field, { value, enumerable: true, writable: true, configurable: true });
        }
        data = parseData(current.type, merged);
      }
      const sharedWith = body.sharedWith ? [...new Set(body.sharedWith)] : undefined;
      if (sharedWith) await checkUsers(sharedWith);
      const credential = await updateCredential(db, keyring, id, { name: body.name, type: current.type, data, sharedWith });
      forgetWebhookCredential(id);
      await audit.record(c, { action: 'credential.update', resourceType: 'credential', resourceId: id, details: { fields: Object.keys(body.data ?? {}).sort(), renamed: body.name !== undefined, sharedWith } });
      return c.json(present(credential!), 200);
    },
  );

  app.openapi(
    createRoute({
      method: 'delete',
      path: '/credentials/{id}',
      summary: 'Delete a credential (steps that use it then fail, saying so)',
      request: { params: IdParam },
      responses: { 204: { description: 'Deleted' }, ...errorResponses },
    }),
    async (c) => {
      const { id } = c.req.valid('param');
      await visible(principalOf(c), id);
      await deleteCredential(db, id);
      forgetWebhookCredential(id);
      await audit.record(c, { action: 'credential.delete', resourceType: 'credential', resourceId: id });
      return c.body(null, 204);
    },
  );

  app.openapi(
    createRoute({
      method: 'post',
      path: '/credentials/{id}/test',
      summary: 'Test a stored credential against its system',
      request: { params: IdParam, body: { content: { 'application/json': { schema: TestRequest } }, required: false } },
      responses: { 200: jsonResponse(CredentialTestResult, 'Whether it worked, and what the system said'), ...errorResponses },
    }),
    async (c) => {
      const { id } = c.req.valid('param');
      const principal = principalOf(c);
      const credential = await visible(principal, id);
      if (!isCredentialType(credential.type)) throw new ApiError(409, 'unknown_type', `The credential's type "${credential.type}" is not known to this Junction`);
      const { url } = c.req.valid('json') ?? {};
      const data = parseData(credential.type, await open(credential));
      // Someone a credential is only shared with may not send it to an address of their
      // choosing: only to the hosts it is limited to (those who manage it may try any).
      if (url && !principal.capabilities.has('credentials:write')) {
        const allowed = (data as { allowedHosts?: string[] }).allowedHosts ?? [];
        if (allowed.length === 0 || !hostAllowed(allowed, new URL(url))) {
          throw new ApiError(
            403,
            'forbidden',
            allowed.length === 0
              ? 'This credential is not limited to any host, so only an admin may test it against an address; ask one to set its allowed hosts'
              : `This credential may only be tested against ${allowed.join(', ')}`,
            { path: 'url' },
          );
        }
      }
      const result = await testConnection({ id, type: credential.type, data } as CredentialValue, url);
      await audit.record(c, { action: 'credential.test', resourceType: 'credential', resourceId: id, details: { ok: result.ok, ...(url ? { host: new URL(url).host } : {}) } });
      return c.json(result, 200);
    },
  );

  return app;
}
