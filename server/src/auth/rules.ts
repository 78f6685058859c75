/**
 * The access rule of every route, in one table: the middleware in `middleware.ts`
 * applies it, and the authorization matrix test (`authorization.test.ts`) reads it.
 * A route missing here is refused with 500 (fail closed) and fails that test.
 *
 * Keys are Hono's: `METHOD /path/:param`. `capability` is checked before the handler
 * runs; `resource` says which kind of resource the handler then checks the caller may
 * see (404 when not) or change (403), by ownership and sharing.
 */
import type { Capability } from './roles.ts';

export type Resource = 'workflow' | 'run' | 'credential' | 'user' | 'api-key';

export type Rule =
  /** Anyone, signed in or not (webhooks check their own trigger's auth). */
  | { public: true }
  /**
   * Any signed-in user or API key; `capability` when one is needed (several: each of
   * them); `sessionOnly`: no API key.
   */
  | { public?: false; capability?: Capability | readonly [Capability, ...Capability[]]; resource?: Resource; sessionOnly?: boolean };

/** The capabilities a rule asks for, each of them needed. */
export const capabilitiesOf = (rule: Rule): readonly Capability[] =>
  rule.public || rule.capability === undefined ? [] : typeof rule.capability === 'string' ? [rule.capability] : rule.capability;

export const RULES: Readonly<Record<string, Rule>> = {
  'GET /api/health': { public: true },
  'GET /api/openapi.json': { public: true },
  'GET /api/docs': { public: true },
  'GET /api/docs/init.js': { public: true },
  'GET /api/docs/assets/:file': { public: true },
  'ALL /hooks/*': { public: true },
  // The token in the address is the authority (runtime/resume.ts).
  'GET /api/resume/:token': { public: true },
  'POST /api/resume/:token': { public: true },

  'GET /api/setup': { public: true },
  'POST /api/setup': { public: true },
  'POST /api/auth/sign-in': { public: true },
  'POST /api/auth/sign-out': {},
  'GET /api/me': {},
  // Proves the person knows their password: a key (perhaps one only for reading runs) may not.
  'POST /api/me/password': { sessionOnly: true },

  'GET /api/api-keys': { capability: 'api-keys:manage', resource: 'api-key' },
  'POST /api/api-keys': { capability: 'api-keys:manage' },
  'DELETE /api/api-keys/:id': { capability: 'api-keys:manage', resource: 'api-key' },

  'GET /api/users': { capability: 'users:read' },
  'POST /api/users': { capability: 'users:write' },
  'GET /api/users/:id': { capability: 'users:read', resource: 'user' },
  'PUT /api/users/:id': { capability: 'users:write', resource: 'user' },
  'DELETE /api/users/:id': { capability: 'users:write', resource: 'user' },
  'POST /api/users/:id/enable': { capability: 'users:write', resource: 'user' },

  'GET /api/audit': { capability: 'audit:read' },

  'GET /api/credential-types': { capability: 'credentials:read' },
  'GET /api/credentials': { capability: 'credentials:read', resource: 'credential' },
  'POST /api/credentials': { capability: 'credentials:write' },
  'POST /api/credentials/test': { capability: 'credentials:write' },
  'GET /api/credentials/:id': { capability: 'credentials:read', resource: 'credential' },
  'PUT /api/credentials/:id': { capability: 'credentials:write', resource: 'credential' },
  'DELETE /api/credentials/:id': { capability: 'credentials:write', resource: 'credential' },
  'POST /api/credentials/:id/test': { capability: 'credentials:read', resource: 'credential' },

  'GET /api/node-types': { capability: 'node-types:read' },
  // Runs the user's expression in the sandbox: for those who write workflows.
  'POST /api/expressions/preview': { capability: 'workflows:write' },

  'GET /api/variables': { capability: 'variables:read' },
  'POST /api/variables': { capability: 'variables:write' },
  'GET /api/variables/:key': { capability: 'variables:read' },
  'PUT /api/variables/:key': { capability: 'variables:write' },
  'DELETE /api/variables/:key': { capability: 'variables:write' },

  'POST /api/workflows': { capability: 'workflows:write' },
  'GET /api/workflows': { capability: 'workflows:read', resource: 'workflow' },
  'GET /api/workflows/:id': { capability: 'workflows:read', resource: 'workflow' },
  'PUT /api/workflows/:id': { capability: 'workflows:write', resource: 'workflow' },
  'DELETE /api/workflows/:id': { capability: 'workflows:write', resource: 'workflow' },
  'GET /api/workflows/:id/versions': { capability: 'workflows:read', resource: 'workflow' },
  'GET /api/workflows/:id/versions/:version': { capability: 'workflows:read', resource: 'workflow' },
  'GET /api/workflows/:id/export': { capability: 'workflows:read', resource: 'workflow' },
  'POST /api/workflows/:id/duplicate': { capability: 'workflows:write', resource: 'workflow' },
  'POST /api/workflows/import': { capability: 'workflows:write' },
  'GET /api/workflows/:id/shares': { capability: 'workflows:read', resource: 'workflow' },
  'GET /api/workflows/:id/triggers': { capability: 'workflows:read', resource: 'workflow' },
  // Runs the poll's query with the workflow's credential, as a run would: for those who may change it.
  'POST /api/workflows/:id/triggers/:nodeId/test': { capability: 'workflows:write', resource: 'workflow' },
  'PUT /api/workflows/:id/shares': { capability: 'workflows:write', resource: 'workflow' },
  'POST /api/workflows/:id/activate': { capability: 'workflows:write', resource: 'workflow' },
  'POST /api/workflows/:id/deactivate': { capability: 'workflows:write', resource: 'workflow' },
  'POST /api/workflows/:id/run': { capability: 'workflows:run', resource: 'workflow' },

  'GET /api/runs': { capability: 'runs:read', resource: 'run' },
  'GET /api/runs/:id': { capability: 'runs:read', resource: 'run' },
  'GET /api/runs/:id/events': { capability: 'runs:read', resource: 'run' },
  // The graph holds whatever its authors typed (addresses, header values, code), which no
  // one can tell apart from secrets: a key only for reading runs does not get it.
  'GET /api/runs/:id/workflow': { capability: ['runs:read', 'workflows:read'], resource: 'run' },
  'GET /api/runs/:id/steps/:nodeId/items': { capability: 'runs:read', resource: 'run' },
  'POST /api/runs/:id/cancel': { capability: 'workflows:run', resource: 'run' },
  'POST /api/runs/:id/retry': { capability: 'workflows:run', resource: 'run' },
};
