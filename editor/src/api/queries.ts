/** Server state through TanStack Query: one key per resource, shared by every screen. */
import { useQuery } from '@tanstack/react-query';
import { listCredentialTypes, listCredentials } from './credentials.ts';
import { api } from './endpoints.ts';
import type { CredentialType, NodeTypeInfo } from './types.ts';
import { listUsers } from './users.ts';
import { listVariables } from './variables.ts';

export const keys = {
  nodeTypes: ['node-types'] as const,
  workflows: (search: string) => ['workflows', search] as const,
  allWorkflows: ['workflows'] as const,
  workflow: (id: string) => ['workflow', id] as const,
  versions: (id: string) => ['workflow', id, 'versions'] as const,
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

/** The credential types and their field schemas; they only change when the server is upgraded. */
export function useCredentialTypes(enabled = true) {
  return useQuery({
    queryKey: keys.credentialTypes,
    queryFn: async () => {
      const list = await listCredentialTypes();
      // Keyed by any text: node types name the credential types they take as text.
      return { list, byType: new Map<string, CredentialType>(list.map((t) => [t.type, t])) };
    },
    staleTime: Infinity,
    enabled,
  });
}

/** The credentials the caller may use (metadata only). */
export function useCredentials(enabled = true) {
  return useQuery({ queryKey: keys.credentials, queryFn: listCredentials, enabled });
}

export function useUsers(enabled = true) {
  return useQuery({ queryKey: keys.users, queryFn: listUsers, enabled });
}

export function useVariables(enabled = true) {
  return useQuery({ queryKey: keys.variables, queryFn: listVariables, enabled, staleTime: 30_000 });
}
