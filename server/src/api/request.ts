import type { Hook } from '@hono/zod-openapi';
import type { BlankEnv } from 'hono/types';
import { ApiError, fromZodError } from './errors.ts';

/** zod-openapi's hook for a request that failed its schema: our 400 shape. */
export const validationHook: Hook<unknown, BlankEnv, string, unknown> = (result) => {
  if (!result.success) throw fromZodError(result.error, result.target === 'json' ? 'body' : result.target);
};

/** Opaque paging cursors: base64url of the key parts joined by "|". */
export function encodeCursor(parts: string[]): string {
  return Buffer.from(parts.join('|')).toString('base64url');
}

export function decodeCursor<T>(cursor: string, read: (parts: string[]) => T): T {
  try {
    const value = read(Buffer.from(cursor, 'base64url').toString('utf8').split('|'));
    if (value instanceof Date && Number.isNaN(value.getTime())) throw new Error('bad date');
    return value;
  } catch (error) {
    throw new ApiError(400, 'invalid_cursor', 'The cursor is not one this API gave out; start again without it', { path: 'cursor', cause: error });
  }
}
