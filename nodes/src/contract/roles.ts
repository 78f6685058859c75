/** Roles, and the capabilities that routes ask for. No zod: see vocabulary.ts. */

export const ROLES = ['owner', 'admin', 'editor', 'viewer'] as const;
export type Role = (typeof ROLES)[number];
/** The roles an admin may give: there is one owner, made at setup. */
export const ASSIGNABLE_ROLES = ['admin', 'editor', 'viewer'] as const satisfies readonly Role[];
export type AssignableRole = (typeof ASSIGNABLE_ROLES)[number];

/** What a route asks of its caller (`x-junction-capability` in /api/openapi.json); a user has their role's. */
export const CAPABILITIES = [
  'workflows:read',
  'workflows:write',
  'workflows:run',
  'runs:read',
  'node-types:read',
  'variables:read',
  'variables:write',
  'credentials:read',
  'credentials:write',
  'users:read',
  'users:write',
  'audit:read',
  'api-keys:manage',
] as const;
export type Capability = (typeof CAPABILITIES)[number];
