/**
 * Server state through TanStack Query: one key per resource, shared by every screen. The
 * queries of the resources only some screens show live beside their calls (api/users.ts,
 * api/credentials.ts, api/variables.ts), so they load with those screens.
 */
import { useQuery } from '@tanstack/react-query';
import { api } from './endpoints.ts';
import type { NodeTypeInfo } from './types.ts';

export const keys = {
  nodeTypes: ['node-types'] as const,
  workflows: (search: string) => ['workflows', search] as const,
  allWorkflows: ['workflows'] as const,
  workflow: (id: string) => ['workflow', id] as const,
  versions: (id: string) => ['workflow', id, 'versions'] as const,
  triggers: (id: string) => ['workflow', id, 'triggers'] as const,
  /** Every workflow the person may see, by name (pickers, run history's filter). */
  workflowNames: ['workflow-names'] as const,
  runs: (filters: object) => ['runs', filters] as const,
  allRuns: ['runs'] as const,
  run: (id: string) => ['run', id] as const,
  runWorkflow: (id: string) => ['run', id, 'workflow'] as const,
  me: ['me'] as const,
  setup: ['setup'] as const,
  users: ['users'] as const,
  apiKeys: (all: boolean) => ['api-keys', all] as const,
  allApiKeys: ['api-keys'] as const,
  credentialTypes: ['credential-types'] as const,
  credentials: ['credentials'] as const,
  audit: (filters: object) => ['audit', filters] as const,
  variables: ['variables'] as const,
  shares: (workflowId: string) => ['workflow', workflowId, 'shares'] as const,
};

export type NodeTypeMap = ReadonlyMap<string, NodeTypeInfo>;

/** The node type catalogue; it only changes when the server is upgraded. */
export function useNodeTypes() {
  return useQuery({
    queryKey: keys.nodeTypes,
    queryFn: async () => {
      const list = await api.nodeTypes();
      return { list, byType: new Map(list.map((t) => [t.type, t])) as NodeTypeMap };
    },
    staleTime: Infinity,
  });
}

/** Every workflow the person may see (up to 500, most recently changed first), with the triggers each starts with. */
export function useWorkflowNames(enabled = true) {
  return useQuery({ queryKey: keys.workflowNames, queryFn: () => api.listWorkflows({ limit: 500 }), enabled });
}
