import { and, desc, eq, isNull, sql } from 'drizzle-orm';
import type pg from 'pg';
import type { Db } from '../client.ts';
import { apiKeys, users, type ApiKeyRow, type Role } from '../schema.ts';
import { keyPrefix, newApiKey, tokenHash } from '../../crypto/tokens.ts';

export type ApiKeySummary = Omit<ApiKeyRow, 'keyHash'> & { userEmail: string };

const summaryColumns = {
  id: apiKeys.id,
  userId: apiKeys.userId,
  userEmail: users.email,
  name: apiKeys.name,
  prefix: apiKeys.prefix,
  scopes: apiKeys.scopes,
  createdAt: apiKeys.createdAt,
  lastUsedAt: apiKeys.lastUsedAt,
  expiresAt: apiKeys.expiresAt,
  revokedAt: apiKeys.revokedAt,
};

/**
 * Stores a key for a user. `key` is generated unless given (the bootstrap key an operator
 * chose); the key itself is returned once and stored only as its hash.
 */
export async function createApiKey(
  db: Db,
  input: { userId: string; name: string; scopes: string[]; expiresAt?: Date | null; key?: string },
): Promise<{ key: string; id: string }> {
  const key = input.key ?? newApiKey();
  const [row] = await db
    .insert(apiKeys)
    .values({ userId: input.userId, name: input.name, scopes: input.scopes, expiresAt: input.expiresAt ?? null, keyHash: tokenHash(key), prefix: keyPrefix(key) })
    .returning({ id: apiKeys.id });
  return { key, id: row!.id };
}

export async function apiKeyExists(db: Db, key: string): Promise<boolean> {
  const [row] = await db.select({ id: apiKeys.id }).from(apiKeys).where(eq(apiKeys.keyHash, tokenHash(key)));
  return Boolean(row);
}

export interface KeyPrincipal {
  keyId: string;
  userId: string;
  email: string;
  name: string;
  role: Role;
  scopes: string[];
  lastUsedAt: Date | null;
}

/**
 * The live key with this value, of an enabled user. Not cached: a revoked key must stop
 * working at once in every process; the lookup is one prepared statement on a unique index.
 */
export async function findApiKey(pool: pg.Pool, key: string): Promise<KeyPrincipal | undefined> {
  const result = await pool.query<{ id: string; user_id: string; email: string; name: string; role: Role; scopes: string[]; last_used_at: Date | null }>({
    name: 'junction_find_api_key',
    text: `select k.id, k.user_id, u.email, u.name, u.role, k.scopes, k.last_used_at
      from api_keys k join users u on u.id = k.user_id
      where k.key_hash = $1 and k.revoked_at is null and (k.expires_at is null or k.expires_at > now()) and u.disabled_at is null`,
    values: [tokenHash(key)],
  });
  const row = result.rows[0];
  return row && { keyId: row.id, userId: row.user_id, email: row.email, name: row.name, role: row.role, scopes: row.scopes, lastUsedAt: row.last_used_at };
}

export async function markApiKeyUsed(pool: pg.Pool, keyId: string): Promise<void> {
  await pool.query('update api_keys set last_used_at = now() where id = $1', [keyId]);
}

export async function listApiKeys(db: Db, userId?: string): Promise<ApiKeySummary[]> {
  return db
    .select(summaryColumns)
    .from(apiKeys)
    .innerJoin(users, eq(users.id, apiKeys.userId))
    .where(userId ? eq(apiKeys.userId, userId) : undefined)
    .orderBy(desc(apiKeys.createdAt));
}

export async function getApiKey(db: Db, id: string): Promise<(ApiKeySummary & { userRole: Role }) | undefined> {
  const [row] = await db
    .select({ ...summaryColumns, userRole: users.role })
    .from(apiKeys)
    .innerJoin(users, eq(users.id, apiKeys.userId))
    .where(eq(apiKeys.id, id));
  return row;
}

export async function revokeApiKey(db: Db, id: string): Promise<void> {
  await db.update(apiKeys).set({ revokedAt: sql`now()` }).where(and(eq(apiKeys.id, id), isNull(apiKeys.revokedAt)));
}
