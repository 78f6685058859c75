/**
 * Failed sign-ins, counted in the database (so every API process sees the same count):
 * an account is locked after 5 failures within 15 minutes, an address after 30 —
 * until the oldest of those failures is 15 minutes old.
 */
import type pg from 'pg';
import { normalizeEmail } from '../db/queries/users.ts';

export const SIGN_IN_LIMITS = { perAccount: 5, perAddress: 30, windowMs: 15 * 60_000 };

const keysOf = (email: string, ip: string | null) => [`email:${normalizeEmail(email)}`, ...(ip ? [`ip:${ip}`] : [])];

/** Null when the sign-in may go ahead; otherwise who is locked and for how many more seconds. */
export async function signInLock(pool: pg.Pool, email: string, ip: string | null): Promise<{ what: 'account' | 'address'; seconds: number } | null> {
  const result = await pool.query<{ key: string; at: Date }>(
    `select key, at from sign_in_failures
     where key = any($1) and at > now() - make_interval(secs => $2::float8 / 1000)
     order by at desc limit 200`,
    [keysOf(email, ip), SIGN_IN_LIMITS.windowMs],
  );
  for (const [prefix, limit, what] of [['email:', SIGN_IN_LIMITS.perAccount, 'account'], ['ip:', SIGN_IN_LIMITS.perAddress, 'address']] as const) {
    const times = result.rows.filter((row) => row.key.startsWith(prefix)).map((row) => row.at.getTime());
    if (times.length >= limit) {
      const until = times[limit - 1]! + SIGN_IN_LIMITS.windowMs;
      return { what, seconds: Math.max(1, Math.ceil((until - Date.now()) / 1000)) };
    }
  }
  return null;
}

export async function recordSignInFailure(pool: pg.Pool, email: string, ip: string | null): Promise<void> {
  await pool.query(`insert into sign_in_failures (key) select unnest($1::text[])`, [keysOf(email, ip)]);
  // Keep the table small: failures older than the window no longer count.
  await pool.query(`delete from sign_in_failures where at < now() - make_interval(secs => $1::float8 / 1000)`, [SIGN_IN_LIMITS.windowMs]);
}

/** A successful sign-in forgives the account's failures (not the address's). */
export async function clearSignInFailures(pool: pg.Pool, email: string): Promise<void> {
  await pool.query('delete from sign_in_failures where key = $1', [`email:${normalizeEmail(email)}`]);
}
