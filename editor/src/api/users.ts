/** Users (admins manage them; editors list them to share with). */
import { useQuery } from '@tanstack/react-query';
import { request } from './client.ts';
import { keys } from './queries.ts';
import type { AssignableRole, User } from './types.ts';

export const listUsers = () => request<{ users: User[] }>('GET', '/api/users').then((r) => r.users);
export const createUser = (body: { email: string; name: string; role: AssignableRole; password: string }) => request<User>('POST', '/api/users', { body });
export const updateUser = (id: string, patch: { role?: AssignableRole; name?: string; email?: string; password?: string }) =>
  request<User>('PUT', `/api/users/${id}`, { body: patch });
export const disableUser = (id: string) => request<User>('DELETE', `/api/users/${id}`);
export const enableUser = (id: string) => request<User>('POST', `/api/users/${id}/enable`);

export function useUsers(enabled = true) {
  return useQuery({ queryKey: keys.users, queryFn: listUsers, enabled });
}
