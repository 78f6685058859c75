/**
 * Roles and what each may do. A capability is the unit every API route asks for (see
 * `rules.ts`); an API key carries a subset of its user's capabilities, and at each
 * request gets no more than its user's role allows then (demoting a user shrinks their
 * keys at once).
 *
 * | role   | may                                                                   |
 * |--------|-----------------------------------------------------------------------|
 * | owner  | everything; the one account that admins cannot change                 |
 * | admin  | users, credentials, variables, every workflow and run, the audit log  |
 * | editor | create workflows; read, change and run their own and those shared with them; use credentials shared with them; read variables |
 * | viewer | read workflows and runs                                               |
 */
import { CAPABILITIES, ROLES, type Capability, type Role } from '@junction/nodes/vocabulary';

export { CAPABILITIES, ROLES, type Capability, type Role };

const VIEWER: readonly Capability[] = ['workflows:read', 'runs:read', 'node-types:read', 'api-keys:manage'];
const EDITOR: readonly Capability[] = [...VIEWER, 'workflows:write', 'workflows:run', 'credentials:read', 'users:read', 'variables:read'];
const ADMIN: readonly Capability[] = [...EDITOR, 'credentials:write', 'users:write', 'audit:read', 'variables:write'];

export const ROLE_CAPABILITIES: Readonly<Record<Role, readonly Capability[]>> = {
  owner: CAPABILITIES,
  admin: ADMIN,
  editor: EDITOR,
  viewer: VIEWER,
};

/** Roles that see every workflow, run and credential, not only their own and shared ones. */
export const seesEverything = (role: Role): boolean => role === 'owner' || role === 'admin';

const RANK: Record<Role, number> = { viewer: 0, editor: 1, admin: 2, owner: 3 };

/** True when `actor` may manage a user of role `target` (give it, change it, disable it). */
export function mayManageRole(actor: Role, target: Role): boolean {
  if (target === 'owner') return false;
  return actor === 'owner' || (actor === 'admin' && RANK[target] <= RANK.admin);
}
