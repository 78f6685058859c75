/** API keys: the caller's own (admins may list everyone's). */
import { request } from './client.ts';
import type { ApiKey, ApiKeyCreated, Capability } from './types.ts';

export const listApiKeys = (all: boolean) => request<{ apiKeys: ApiKey[] }>('GET', '/api/api-keys', { query: { all: all || undefined } }).then((r) => r.apiKeys);
/** The answer holds the key's value, this once. */
export const createApiKey = (body: { name: string; scopes: Capability[]; expiresInDays?: number }) => request<ApiKeyCreated>('POST', '/api/api-keys', { body });
export const revokeApiKey = (id: string) => request<void>('DELETE', `/api/api-keys/${id}`);
