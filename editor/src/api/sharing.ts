/** Who a workflow is shared with (its owner and admins change it). */
import { request } from './client.ts';
import type { WorkflowShares } from './types.ts';

export const listWorkflowShares = (id: string) => request<WorkflowShares>('GET', `/api/workflows/${id}/shares`).then((r) => r.users);
export const setWorkflowShares = (id: string, userIds: string[]) => request<WorkflowShares>('PUT', `/api/workflows/${id}/shares`, { body: { userIds } }).then((r) => r.users);
