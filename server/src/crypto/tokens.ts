/**
 * Random tokens (session cookies, API keys, CSRF tokens) and how they are stored: only
 * their SHA-256, looked up through a unique index. Tokens carry 256 bits of randomness,
 * so a fast hash is as safe as a slow one here and keeps every request cheap.
 */
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';

export const API_KEY_PREFIX = 'jct_';

export const randomToken = (bytes = 32): string => randomBytes(bytes).toString('base64url');

export const newApiKey = (): string => `${API_KEY_PREFIX}${randomToken()}`;

export const tokenHash = (token: string): string => createHash('sha256').update(token).digest('hex');

/** The part of an API key shown in lists, to tell keys apart. */
export const keyPrefix = (key: string): string => key.slice(0, API_KEY_PREFIX.length + 8);

/** Constant-time string comparison (for tokens and signatures). */
export function sameSecret(a: string, b: string): boolean {
  const left = Buffer.from(a);
  const right = Buffer.from(b);
  return left.length === right.length && timingSafeEqual(left, right);
}
