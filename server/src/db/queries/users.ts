import { and, asc, eq, isNull, ne, sql } from 'drizzle-orm';
import type pg from 'pg';
import type { Db } from '../client.ts';
import { apiKeys, sessions, users, type Role, type UserRow } from '../schema.ts';
import { randomToken, tokenHash } from '../../crypto/tokens.ts';

export class EmailTaken extends Error {
  override name = 'EmailTaken';
}

/** The user fields that may leave the server (no password hash). */
export type PublicUser = Omit<UserRow, 'passwordHash'>;

const publicColumns = {
  id: users.id,
  email: users.email,
  name: users.name,
  role: users.role,
  createdAt: users.createdAt,
  updatedAt: users.updatedAt,
  disabledAt: users.disabledAt,
};

export const normalizeEmail = (email: string): string => email.trim().toLowerCase();

const isUniqueViolation = (error: unknown): boolean => (error as { code?: string; cause?: { code?: string } }).code === '23505' || (error as { cause?: { code?: string } }).cause?.code === '23505';

export async function countUsers(db: Db): Promise<number> {
  const [row] = await db.select({ count: sql<number>`count(*)::int` }).from(users);
  return row!.count;
}

export async function createUser(db: Db, user: { email: string; name: string; role: Role; passwordHash: string }): Promise<PublicUser> {
  try {
    const [row] = await db
      .insert(users)
      .values({ ...user, email: normalizeEmail(user.email) })
      .returning(publicColumns);
    return row!;
  } catch (error) {
    if (isUniqueViolation(error)) throw new EmailTaken(`A user with the e-mail ${normalizeEmail(user.email)} exists already`, { cause: error });
    throw error;
  }
}

/**
 * Creates the owner only while nobody exists: two first visitors racing each other
 * cannot both become owner (the one-owner unique index settles it).
 */
export async function createFirstOwner(db: Db, user: { email: string; name: string; passwordHash: string }): Promise<PublicUser | null> {
  return db.transaction(async (tx) => {
    await tx.execute(sql`lock table ${users} in share row exclusive mode`);
    const [existing] = await tx.select({ id: users.id }).from(users).limit(1);
    if (existing) return null;
    const [row] = await tx
      .insert(users)
      .values({ ...user, email: normalizeEmail(user.email), role: 'owner' })
      .returning(publicColumns);
    return row!;
  });
}

export async function findUserByEmail(db: Db, email: string): Promise<UserRow | undefined> {
  const [row] = await db.select().from(users).where(eq(users.email, normalizeEmail(email)));
  return row;
}

export async function getUser(db: Db, id: string): Promise<UserRow | undefined> {
  const [row] = await db.select().from(users).where(eq(users.id, id));
  return row;
}

export async function listUsers(db: Db): Promise<PublicUser[]> {
  return db.select(publicColumns).from(users).orderBy(asc(users.email));
}

export async function updateUser(db: Db, id: string, patch: Partial<Pick<UserRow, 'name' | 'email' | 'role' | 'passwordHash'>>): Promise<PublicUser | undefined> {
  try {
    const [row] = await db
      .update(users)
      .set({ ...patch, ...(patch.email ? { email: normalizeEmail(patch.email) } : {}), updatedAt: new Date() })
      .where(eq(users.id, id))
      .returning(publicColumns);
    return row;
  } catch (error) {
    if (isUniqueViolation(error)) throw new EmailTaken(`A user with the e-mail ${patch.email} exists already`, { cause: error });
    throw error;
  }
}

/** Disables a user: they cannot sign in, and their sessions and API keys stop at once. */
export async function disableUser(db: Db, id: string): Promise<PublicUser | undefined> {
  return db.transaction(async (tx) => {
    const [row] = await tx
      .update(users)
      .set({ disabledAt: sql`coalesce(${users.disabledAt}, now())`, updatedAt: new Date() })
      .where(eq(users.id, id))
      .returning(publicColumns);
    if (!row) return undefined;
    await tx.delete(sessions).where(eq(sessions.userId, id));
    await tx.update(apiKeys).set({ revokedAt: sql`now()` }).where(and(eq(apiKeys.userId, id), isNull(apiKeys.revokedAt)));
    return row;
  });
}

export async function enableUser(db: Db, id: string): Promise<PublicUser | undefined> {
  const [row] = await db.update(users).set({ disabledAt: null, updatedAt: new Date() }).where(eq(users.id, id)).returning(publicColumns);
  return row;
}

// ---------------------------------------------------------------------------------------
// Sessions.

export interface NewSession {
  /** The cookie value: shown to the browser once, stored only as its hash. */
  token: string;
  csrfToken: string;
  expiresAt: Date;
}

export async function createSession(db: Db, session: { userId: string; ttlMs: number; ip: string | null; userAgent: string | null }): Promise<NewSession> {
  const token = randomToken();
  const csrfToken = randomToken();
  const expiresAt = new Date(Date.now() + session.ttlMs);
  await db.insert(sessions).values({
    tokenHash: tokenHash(token),
    userId: session.userId,
    csrfToken,
    expiresAt,
    ip: session.ip,
    userAgent: session.userAgent?.slice(0, 500) ?? null,
  });
  return { token, csrfToken, expiresAt };
}

export interface SessionPrincipal {
  userId: string;
  email: string;
  name: string;
  role: Role;
  csrfToken: string;
  lastSeenAt: Date;
}

/** A live session of an enabled user. On every cookie-authenticated request: a prepared statement on the primary key. */
export async function findSession(pool: pg.Pool, token: string, idleMs: number): Promise<SessionPrincipal | undefined> {
  const result = await pool.query<{ user_id: string; email: string; name: string; role: Role; csrf_token: string; last_seen_at: Date }>({
    name: 'junction_find_session',
    text: `select s.user_id, u.email, u.name, u.role, s.csrf_token, s.last_seen_at
      from sessions s join users u on u.id = s.user_id
      where s.token_hash = $1 and s.expires_at > now() and s.last_seen_at > now() - make_interval(secs => $2::float8 / 1000)
        and u.disabled_at is null`,
    values: [tokenHash(token), idleMs],
  });
  const row = result.rows[0];
  return row && { userId: row.user_id, email: row.email, name: row.name, role: row.role, csrfToken: row.csrf_token, lastSeenAt: row.last_seen_at };
}

export async function touchSession(pool: pg.Pool, token: string): Promise<void> {
  await pool.query('update sessions set last_seen_at = now() where token_hash = $1', [tokenHash(token)]);
}

export async function deleteSession(db: Db, token: string): Promise<void> {
  await db.delete(sessions).where(eq(sessions.tokenHash, tokenHash(token)));
}

/** Signs a user out everywhere, except (optionally) the session making the change. */
export async function deleteSessionsOf(db: Db, userId: string, keepToken?: string): Promise<void> {
  const conditions = [eq(sessions.userId, userId)];
  if (keepToken) conditions.push(ne(sessions.tokenHash, tokenHash(keepToken)));
  await db.delete(sessions).where(and(...conditions));
}

export async function pruneSessions(db: Db): Promise<void> {
  await db.delete(sessions).where(sql`${sessions.expiresAt} < now()`);
}

/** The owner of this Junction (there is one). */
export async function findOwner(db: Db): Promise<PublicUser | undefined> {
  const [owner] = await db
    .select({ id: users.id, email: users.email, name: users.name, role: users.role, createdAt: users.createdAt, updatedAt: users.updatedAt, disabledAt: users.disabledAt })
    .from(users)
    .where(eq(users.role, 'owner'));
  return owner;
}
