/** The first start, signing in and out, and the caller's own account. */
import { request } from './client.ts';
import type { Me, SetupStatus, SignedIn } from './types.ts';

/** Whether Junction still needs its owner (the first visitor creates it). */
export const setupNeeded = () => request<SetupStatus>('GET', '/api/setup').then((r) => r.needed);
export const setupOwner = (body: { email: string; name: string; password: string }) => request<SignedIn>('POST', '/api/setup', { body });
export const signIn = (body: { email: string; password: string }) => request<SignedIn>('POST', '/api/auth/sign-in', { body });
export const signOut = () => request<void>('POST', '/api/auth/sign-out');
/** Who is calling: user, capabilities, and the CSRF token for the session's writes. */
export const getMe = () => request<Me>('GET', '/api/me');
export const changePassword = (body: { currentPassword: string; newPassword: string }) => request<void>('POST', '/api/me/password', { body });
