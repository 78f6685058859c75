/**
 * The open connections of each database credential: one pool per credential and version
 * of its data, shared by every step that uses it, in this process. Server only.
 *
 * - Keyed by the credential's id and a hash of its data: a credential edited in the vault
 *   (another host, a new password) gets a new pool, and the old one is closed once the
 *   steps still using it are done.
 * - Small: `maxConnections` per pool (5 unless configured); a step holds one connection
 *   while it runs, so steps beyond that wait for one.
 * - A pool nobody used for `idleCloseMs` closes itself; `closeSqlPools()` closes them all
 *   (the process shutting down).
 */
import { createHash } from 'node:crypto';
import type { DriverPool, PoolSettings, SqlCredential, SqlDialect, SqlDriver } from './driver.ts';
import { mysqlDriver } from './mysql.ts';
import { postgresDriver } from './postgres.ts';

const DRIVERS: { [D in SqlDialect]: SqlDriver<D> } = { postgres: postgresDriver, mysql: mysqlDriver };

export const DEFAULT_POOL_SETTINGS: PoolSettings = { maxConnections: 5, idleCloseMs: 5 * 60_000, connectTimeoutMs: 15_000 };

let settings: PoolSettings = { ...DEFAULT_POOL_SETTINGS };

/**
 * Changes the settings of pools opened from now on (the server calls it once at start,
 * from its configuration). Pools open already keep theirs.
 *
 * @example configureSqlPools({ maxConnections: 10 })
 */
export function configureSqlPools(changes: Partial<PoolSettings>): void {
  const next = { ...settings, ...changes };
  if (!Number.isInteger(next.maxConnections) || next.maxConnections < 1) throw new Error(`maxConnections must be a whole number of at least 1, not ${next.maxConnections}`);
  for (const key of ['idleCloseMs', 'connectTimeoutMs'] as const) {
    if (!Number.isFinite(next[key]) || next[key] < 1) throw new Error(`${key} must be a positive number of milliseconds, not ${next[key]}`);
  }
  settings = next;
}

interface Entry {
  credentialId: string;
  pool: DriverPool;
  /** Sessions holding one of its connections now. */
  users: number;
  /** Replaced by a newer version of the credential: closed when its last user is done. */
  retired: boolean;
  idleTimer: NodeJS.Timeout | undefined;
}

const entries = new Map<string, Entry>();
const closing = new Set<Promise<void>>();

/** A stable hash of the credential's type and data: fields in any order give the same. */
function fingerprint(credential: SqlCredential): string {
  const data = credential.data as Record<string, unknown>;
  const sorted = Object.fromEntries(Object.keys(data).sort().map((key) => [key, data[key]]));
  return createHash('sha256').update(JSON.stringify([credential.type, sorted])).digest('hex');
}

function close(key: string, entry: Entry): void {
  clearTimeout(entry.idleTimer);
  if (entries.get(key) === entry) entries.delete(key);
  const ended = entry.pool.end().catch(() => undefined /* a connection already gone: nothing left to close */);
  closing.add(ended);
  void ended.finally(() => closing.delete(ended));
}

/** A pooled connection's lease: the pool of the credential's current data, and `done` to call when the session ends. */
export interface PoolLease {
  driver: SqlDriver;
  pool: DriverPool;
  done(): void;
}

/** The pool for `credential`, opened on first use; call `done()` when the session is over. */
export function leasePool(credential: SqlCredential): PoolLease {
  const driver = DRIVERS[credential.type] as SqlDriver;
  const key = `${credential.id}:${fingerprint(credential)}`;
  let entry = entries.get(key);
  if (!entry) {
    // Older versions of this credential: closed now if idle, else when their last step is done.
    for (const [otherKey, other] of entries) {
      if (other.credentialId !== credential.id) continue;
      other.retired = true;
      if (other.users === 0) close(otherKey, other);
    }
    entry = { credentialId: credential.id, pool: driver.createPool(credential.data as never, settings), users: 0, retired: false, idleTimer: undefined };
    entries.set(key, entry);
  }
  const leased = entry;
  leased.users++;
  clearTimeout(leased.idleTimer);
  let returned = false;
  return {
    driver,
    pool: leased.pool,
    done() {
      if (returned) return;
      returned = true;
      leased.users--;
      if (leased.users > 0) return;
      if (leased.retired) return close(key, leased);
      const idleCloseMs = settings.idleCloseMs;
      leased.idleTimer = setTimeout(() => {
        if (leased.users === 0) close(key, leased);
      }, idleCloseMs);
      leased.idleTimer.unref();
    },
  };
}

/**
 * Closes every pool of this process, waiting for their connections to close; the
 * server calls it when it shuts down, after the worker has stopped running steps.
 */
export async function closeSqlPools(): Promise<void> {
  for (const [key, entry] of [...entries]) close(key, entry);
  await Promise.all([...closing]);
}
