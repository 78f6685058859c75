/** Instance-wide variables, read in workflows as `$vars.NAME`. */
import { useQuery } from '@tanstack/react-query';
import { request } from './client.ts';
import { keys } from './queries.ts';
import type { Variable } from './types.ts';

export const listVariables = () => request<{ variables: Variable[] }>('GET', '/api/variables').then((r) => r.variables);
export const createVariable = (key: string, value: string) => request<Variable>('POST', '/api/variables', { body: { key, value } });
export const updateVariable = (key: string, value: string) => request<Variable>('PUT', `/api/variables/${encodeURIComponent(key)}`, { body: { value } });
export const deleteVariable = (key: string) => request<void>('DELETE', `/api/variables/${encodeURIComponent(key)}`);

export function useVariables(enabled = true) {
  return useQuery({ queryKey: keys.variables, queryFn: listVariables, enabled, staleTime: 30_000 });
}
