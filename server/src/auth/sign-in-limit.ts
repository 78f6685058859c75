/**
 * Password guessing slowed down, counted in the database (every API process sees the same
 * count): sign-ins and password changes share it.
 *
 * An attempt is recorded before its password is checked, as a failure until it succeeds,
 * and attempts on the same account or from the same address take turns — so attempts
 * sent all at once each see the ones before them. After 5 failures of an account, or 30
 * from an address, within 15 minutes, the next attempt must wait after the last failure:
 * 1 s, then 2, 4, 8, 16, and at most 30 s — answered 429 with Retry-After, its password
 * not even checked. A refused attempt is not a failure and does not lengthen the wait,
 * so the rightful owner who waits that long is let in with the right password: nobody
 * can lock an account (or everyone behind one address) for longer than the last wait.
 */
import type pg from 'pg';
import { forgiveFailures, markFailed, takeAttempt, type KeyFailures } from '../db/queries/sign-in-failures.ts';
import { normalizeEmail } from '../db/queries/users.ts';

export const SIGN_IN_LIMITS = {
  /** Failures of one account, and from one address, before attempts must wait. */
  perAccount: 5,
  perAddress: 30,
  /** How long a failure counts. */
  windowMs: 15 * 60_000,
  /** The first wait, doubled with each failure after it, up to the longest. */
  firstDelayMs: 1000,
  maxDelayMs: 30_000,
};

const accountKey = (email: string) => `email:${normalizeEmail(email)}`;
const keysOf = (email: string, ip: string | null) => [accountKey(email), ...(ip ? [`ip:${ip}`] : [])];

/** How long after its last failure a key's next attempt must wait, with `count` failures counting. */
export function delayAfter(count: number, free: number): number {
  if (count < free) return 0;
  return Math.min(SIGN_IN_LIMITS.maxDelayMs, SIGN_IN_LIMITS.firstDelayMs * 2 ** Math.min(count - free, 30));
}

interface Wait {
  what: 'account' | 'address';
  seconds: number;
  /** Which wait this is: the key and its last attempt's row. */
  wait: string;
}

/** Who must wait, and how many more whole seconds, or null when the attempt may go ahead. */
function waitFor(failures: KeyFailures[], now: Date): Wait | null {
  let longest: Wait | null = null;
  for (const { key, count, lastAt, lastId } of failures) {
    const what = key.startsWith('email:') ? 'account' : 'address';
    const delay = delayAfter(count, what === 'account' ? SIGN_IN_LIMITS.perAccount : SIGN_IN_LIMITS.perAddress);
    if (delay === 0 || !lastAt) continue;
    const left = lastAt.getTime() + delay - now.getTime();
    if (left <= 0) continue;
    const seconds = Math.ceil(left / 1000);
    if (!longest || seconds > longest.seconds) longest = { what, seconds, wait: `${key} ${lastId}` };
  }
  return longest;
}

export type PasswordAttempt =
  | { admitted: true; ids: string[] }
  /** `first`: the first attempt this process refused during this wait (the one worth an audit entry). */
  | { admitted: false; what: 'account' | 'address'; seconds: number; first: boolean };

/**
 * The waits this process has refused an attempt during: a flood of attempts that come too
 * soon makes one audit entry per wait, not one each. Bounded: the oldest are forgotten.
 */
const refusedWaits = new Set<string>();
const REFUSED_WAITS_KEPT = 10_000;

function firstRefusal(wait: string): boolean {
  if (refusedWaits.has(wait)) return false;
  refusedWaits.add(wait);
  if (refusedWaits.size > REFUSED_WAITS_KEPT) refusedWaits.delete(refusedWaits.values().next().value!);
  return true;
}

/**
 * Takes a turn to check a password for `email` from `ip`: admitted (and counted as a
 * failure until `attemptSucceeded`), or told who must wait and how long.
 */
/**
 * Attempts on the same keys take turns in this process before they take the database's
 * lock, so a flood aimed at one account holds one database connection, not one each.
 */
class Turns {
  private readonly tails = new Map<string, Promise<void>>();

  async take<T>(keys: string[], work: () => Promise<T>): Promise<T> {
    const done: (() => void)[] = [];
    try {
      for (const key of [...new Set(keys)].sort()) {
        const before = this.tails.get(key) ?? Promise.resolve();
        let release!: () => void;
        const mine = new Promise<void>((resolve) => (release = resolve));
        const tail = before.then(() => mine);
        this.tails.set(key, tail);
        done.push(() => {
          release();
          if (this.tails.get(key) === tail) this.tails.delete(key);
        });
        await before;
      }
      return await work();
    } finally {
      for (const release of done) release();
    }
  }
}

const turns = new Turns();

export async function beginPasswordAttempt(pool: pg.Pool, email: string, ip: string | null): Promise<PasswordAttempt> {
  const keys = keysOf(email, ip);
  const taken = await turns.take(keys, () => takeAttempt(pool, keys, SIGN_IN_LIMITS.windowMs, (failures, now) => waitFor(failures, now) === null));
  if (taken.ids.length > 0) return { admitted: true, ids: taken.ids };
  const { what, seconds, wait } = waitFor(taken.failures, taken.now)!;
  return { admitted: false, what, seconds, first: firstRefusal(wait) };
}

/** The attempt failed: it stays counted, and the next wait starts now. */
export async function attemptFailed(pool: pg.Pool, attempt: { ids: string[] }): Promise<void> {
  await markFailed(pool, attempt.ids, SIGN_IN_LIMITS.windowMs);
}

/** The right password: the attempt and the account's failures are forgiven (not the address's). */
export async function attemptSucceeded(pool: pg.Pool, attempt: { ids: string[] }, email: string): Promise<void> {
  await forgiveFailures(pool, attempt.ids, [accountKey(email)]);
}

/** Words for a 429: who is slowed down, and for how long. */
export function waitMessage(wait: { what: 'account' | 'address'; seconds: number }, doing: string): string {
  const whose = wait.what === 'account' ? 'for this account' : 'from this address';
  return `Too many wrong passwords ${whose}: wait ${wait.seconds} second${wait.seconds === 1 ? '' : 's'} before ${doing} again`;
}
