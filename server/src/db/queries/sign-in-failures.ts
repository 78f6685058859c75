/**
 * Password attempts that failed (or are still being checked), by key: `email:<address>`
 * for an account, `ip:<address>` for where they came from. The policy that reads them is
 * auth/sign-in-limit.ts.
 */
import type pg from 'pg';

/** One key's failures within the window: how many, when the last was, and its row's id (which never changes). */
export interface KeyFailures {
  key: string;
  count: number;
  lastAt: Date | null;
  lastId: string | null;
}

export interface AttemptTaken {
  /** The rows recorded for this attempt, one per key; none when it was refused. */
  ids: string[];
  failures: KeyFailures[];
  /** The database's clock when the keys were read. */
  now: Date;
}

/**
 * Reads each key's failures of the last `windowMs` and, when `admit` agrees, records this
 * attempt under every key — in one transaction holding a lock per key, so attempts made
 * at once (by any process) queue, and each sees the ones before it, including those whose
 * password is still being checked.
 */
export async function takeAttempt(
  pool: pg.Pool,
  keys: string[],
  windowMs: number,
  admit: (failures: KeyFailures[], now: Date) => boolean,
): Promise<AttemptTaken> {
  const sorted = [...new Set(keys)].sort();
  const client = await pool.connect();
  try {
    await client.query('begin');
    // Locks taken in one order by everyone: no deadlock between two attempts.
    for (const key of sorted) await client.query('select pg_advisory_xact_lock(hashtextextended($1, 0))', [`sign-in ${key}`]);
    const read = await client.query<{ key: string; count: string; last_at: Date | null; last_id: string | null; now: Date }>(
      `select k.key, count(f.id) as count, max(f.at) as last_at, max(f.id) as last_id, clock_timestamp() as now
       from unnest($1::text[]) as k(key)
       left join sign_in_failures f on f.key = k.key and f.at > clock_timestamp() - make_interval(secs => $2::float8 / 1000)
       group by k.key`,
      [sorted, windowMs],
    );
    const now = read.rows[0]?.now ?? new Date();
    const failures = read.rows.map((row) => ({ key: row.key, count: Number(row.count), lastAt: row.last_at, lastId: row.last_id }));
    let ids: string[] = [];
    if (admit(failures, now)) {
      const inserted = await client.query<{ id: string }>(`insert into sign_in_failures (key, at) select unnest($1::text[]), clock_timestamp() returning id`, [sorted]);
      ids = inserted.rows.map((row) => row.id);
    }
    await client.query('commit');
    return { ids, failures, now };
  } catch (error) {
    await client.query('rollback').catch(() => undefined);
    throw error;
  } finally {
    client.release();
  }
}

/**
 * The attempt failed: its rows now date from the failure (the next wait starts there), and
 * failures older than the window, which no longer count, are forgotten.
 */
export async function markFailed(pool: pg.Pool, ids: string[], windowMs: number): Promise<void> {
  await pool.query('update sign_in_failures set at = clock_timestamp() where id = any($1::bigint[])', [ids]);
  await pool.query(`delete from sign_in_failures where at < now() - make_interval(secs => $1::float8 / 1000)`, [windowMs]);
}

/** Removes the rows of one attempt (it succeeded), and every failure under `keys`. */
export async function forgiveFailures(pool: pg.Pool, ids: string[], keys: string[]): Promise<void> {
  await pool.query('delete from sign_in_failures where id = any($1::bigint[]) or key = any($2::text[])', [ids, keys]);
}
