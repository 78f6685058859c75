/** Credentials: metadata and non-secret fields come back, secrets only go in. */
import { useQuery } from '@tanstack/react-query';
import { request } from './client.ts';
import { keys } from './queries.ts';
import type { Credential, CredentialTestResult, CredentialType } from './types.ts';

export const listCredentialTypes = () => request<{ credentialTypes: CredentialType[] }>('GET', '/api/credential-types').then((r) => r.credentialTypes);
export const listCredentials = () => request<{ credentials: Credential[] }>('GET', '/api/credentials').then((r) => r.credentials);
export const createCredential = (body: { name: string; type: string; data: Record<string, unknown>; sharedWith: string[] }) => request<Credential>('POST', '/api/credentials', { body });
export const updateCredential = (id: string, patch: { name?: string; data?: Record<string, unknown>; sharedWith?: string[] }) =>
  request<Credential>('PUT', `/api/credentials/${id}`, { body: patch });
export const deleteCredential = (id: string) => request<void>('DELETE', `/api/credentials/${id}`);
/** Tries fields not saved yet against their system (`url`: where, for HTTP credentials). */
export const testNewCredential = (body: { type: string; data: Record<string, unknown>; url?: string }) => request<CredentialTestResult>('POST', '/api/credentials/test', { body });
export const testCredential = (id: string, url?: string) => request<CredentialTestResult>('POST', `/api/credentials/${id}/test`, { body: url ? { url } : {} });

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
