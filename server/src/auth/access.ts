/**
 * Who may see and change which workflow, run and credential — the ownership half of
 * authorization (the capability half is in `rules.ts`).
 *
 * - Workflows: the owner and admins see and change all; viewers see all (and change
 *   none); an editor sees and changes the workflows they created and those shared with
 *   them. Deleting a workflow and choosing who it is shared with belong to the one who
 *   created it, and to admins. A workflow someone may not see answers 404, as if it did
 *   not exist.
 * - Runs: whoever may see a run's workflow may see the run; whoever may change the
 *   workflow may cancel or retry it.
 * - Credentials: the owner and admins use and manage all; an editor uses (and sees the
 *   metadata of) the credentials shared with them.
 */
import type { Db } from '../db/client.ts';
import { getWorkflow, getWorkflowOwner, isSharedWith, type WorkflowWithGraph } from '../db/queries/workflows.ts';
import { ApiError, notFound } from '../api/errors.ts';
import type { Principal } from './middleware.ts';
import { seesEverything, type Role } from './roles.ts';

/** Each level includes the ones before it: `own` is write access plus deleting and sharing. */
export type Access = 'none' | 'read' | 'write' | 'own';
const LEVELS: readonly Access[] = ['none', 'read', 'write', 'own'];

/** Null when the user sees every workflow; else the id whose own and shared workflows they see. */
export const workflowScope = (principal: Principal): string | undefined => (principal.user.role === 'editor' ? principal.user.id : undefined);

export async function workflowAccess(db: Db, principal: Principal, workflow: { id: string; ownerId: string | null }): Promise<Access> {
  const { role, id } = principal.user;
  if (seesEverything(role)) return 'own';
  if (role === 'viewer') return 'read';
  if (workflow.ownerId === id) return 'own';
  if (await isSharedWith(db, workflow.id, id)) return 'write';
  return 'none';
}

function demand(access: Access, need: Exclude<Access, 'none'>, what: string, id: string): void {
  if (access === 'none') throw notFound(what, id);
  if (LEVELS.indexOf(access) >= LEVELS.indexOf(need)) return;
  if (access === 'read') throw new ApiError(403, 'forbidden', `You may read this ${what.toLowerCase()} but not change it`);
  throw new ApiError(403, 'forbidden', `Only the one who created this ${what.toLowerCase()}, or an admin, may delete it or choose who it is shared with`);
}

/** The workflow, when the caller may `need` it; 404 when they may not see it, 403 when they may only read it. */
export async function workflowFor(db: Db, principal: Principal, id: string, need: Exclude<Access, 'none'>): Promise<WorkflowWithGraph> {
  const workflow = await getWorkflow(db, id);
  if (!workflow) throw notFound('Workflow', id);
  demand(await workflowAccess(db, principal, workflow), need, 'Workflow', id);
  return workflow;
}

/** Checks the caller may `need` a run of `workflowId` (deleted workflows included). */
export async function demandRunAccess(db: Db, principal: Principal, runId: string, workflowId: string, need: 'read' | 'write'): Promise<void> {
  const workflow = await getWorkflowOwner(db, workflowId);
  demand(workflow ? await workflowAccess(db, principal, workflow) : 'none', need, 'Run', runId);
}

/** May a user of this role use (in a workflow) a credential owned by `ownerId` and shared with `sharedWith`? */
export function mayUseCredential(user: { id: string; role: Role }, credential: { ownerId: string; sharedWith: readonly string[] }): boolean {
  return seesEverything(user.role) || credential.ownerId === user.id || credential.sharedWith.includes(user.id);
}
