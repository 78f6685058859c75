/** Junction's security API, one function per call: sign-in, the caller, users, API keys, credentials, audit, variables, sharing. */
import { request } from './client.ts';
import type { ApiKey, AuditEntry, Capability, Credential, CredentialTestResult, CredentialType, Me, Role, ShareUser, SignedIn, User, Variable } from './security-types.ts';

export interface AuditFilters {
  actorEmail?: string;
  action?: string;
  resourceType?: string;
  from?: string;
  to?: string;
}

export const security = {
  setupNeeded: () => request<{ needed: boolean }>('GET', '/api/setup').then((r) => r.needed),
  setup: (body: { email: string; name: string; password: string }) => request<SignedIn>('POST', '/api/setup', { body }),
  signIn: (body: { email: string; password: string }) => request<SignedIn>('POST', '/api/auth/sign-in', { body }),
  signOut: () => request<void>('POST', '/api/auth/sign-out'),
  me: () => request<Me>('GET', '/api/me'),
  changePassword: (body: { currentPassword: string; newPassword: string }) => request<void>('POST', '/api/me/password', { body }),

  listUsers: () => request<{ users: User[] }>('GET', '/api/users').then((r) => r.users),
  createUser: (body: { email: string; name: string; role: Role; password: string }) => request<User>('POST', '/api/users', { body }),
  updateUser: (id: string, patch: { role?: Role; name?: string; email?: string; password?: string }) => request<User>('PUT', `/api/users/${id}`, { body: patch }),
  disableUser: (id: string) => request<User>('DELETE', `/api/users/${id}`),
  enableUser: (id: string) => request<User>('POST', `/api/users/${id}/enable`),

  listApiKeys: (all: boolean) => request<{ apiKeys: ApiKey[] }>('GET', '/api/api-keys', { query: { all: all || undefined } }).then((r) => r.apiKeys),
  createApiKey: (body: { name: string; scopes: Capability[]; expiresInDays?: number }) => request<{ apiKey: ApiKey; key: string }>('POST', '/api/api-keys', { body }),
  revokeApiKey: (id: string) => request<void>('DELETE', `/api/api-keys/${id}`),

  credentialTypes: () => request<{ credentialTypes: CredentialType[] }>('GET', '/api/credential-types').then((r) => r.credentialTypes),
  listCredentials: () => request<{ credentials: Credential[] }>('GET', '/api/credentials').then((r) => r.credentials),
  createCredential: (body: { name: string; type: string; data: Record<string, unknown>; sharedWith: string[] }) => request<Credential>('POST', '/api/credentials', { body }),
  updateCredential: (id: string, patch: { name?: string; data?: Record<string, unknown>; sharedWith?: string[] }) =>
    request<Credential>('PUT', `/api/credentials/${id}`, { body: patch }),
  deleteCredential: (id: string) => request<void>('DELETE', `/api/credentials/${id}`),
  testNewCredential: (body: { type: string; data: Record<string, unknown>; url?: string }) => request<CredentialTestResult>('POST', '/api/credentials/test', { body }),
  testCredential: (id: string, url?: string) => request<CredentialTestResult>('POST', `/api/credentials/${id}/test`, { body: url ? { url } : {} }),

  listAudit: (filters: AuditFilters & { cursor?: string; limit?: number }) =>
    request<{ entries: AuditEntry[]; nextCursor: string | null }>('GET', '/api/audit', { query: { ...filters } }),

  listVariables: () => request<{ variables: Variable[] }>('GET', '/api/variables').then((r) => r.variables),
  createVariable: (key: string, value: string) => request<Variable>('POST', '/api/variables', { body: { key, value } }),
  updateVariable: (key: string, value: string) => request<Variable>('PUT', `/api/variables/${encodeURIComponent(key)}`, { body: { value } }),
  deleteVariable: (key: string) => request<void>('DELETE', `/api/variables/${encodeURIComponent(key)}`),

  workflowShares: (id: string) => request<{ users: ShareUser[] }>('GET', `/api/workflows/${id}/shares`).then((r) => r.users),
  setWorkflowShares: (id: string, userIds: string[]) => request<{ users: ShareUser[] }>('PUT', `/api/workflows/${id}/shares`, { body: { userIds } }).then((r) => r.users),
};
