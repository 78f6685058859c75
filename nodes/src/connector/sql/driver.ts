/**
 * What the database nodes need of a database driver, one implementation per dialect:
 * postgres.ts (on pg) and mysql.ts (on mysql2). Server only. Glossary:
 *
 * - pool: the open connections of one credential (see pools.ts), shared by every step
 *   that uses it.
 * - session: one piece of work on one pooled connection (a step's statements, a
 *   transaction), with one time limit per statement and the step's abort signal.
 * - syntax: how the dialect writes placeholders, quoted names and upserts.
 */
import type { CredentialValue } from '../../credentials/types.ts';
import type { JsonObject } from '../../sdk/index.ts';

export type SqlCredential = Extract<CredentialValue, { type: 'postgres' | 'mysql' }>;
export type SqlDialect = SqlCredential['type'];
export type SqlCredentialData<D extends SqlDialect> = Extract<SqlCredential, { type: D }>['data'];

/** One statement's answer. */
export interface SqlResult {
  /** The rows it returned (a select, `returning`), with plain JSON values (see rows.ts). */
  rows: JsonObject[];
  /** Rows inserted, updated or deleted; for a select, the rows returned. */
  affectedRows: number;
  /** MySQL: the AUTO_INCREMENT id an insert generated (absent when it generated none). */
  insertId?: number | string;
}

export interface SessionOptions {
  /** The longest one statement may run: the database stops it (and, as a last resort, the connection is dropped). */
  timeoutMs: number;
  /** Aborting it cancels the running statement in the database. */
  signal: AbortSignal;
}

export interface PoolSettings {
  /** Connections per credential at most. */
  maxConnections: number;
  /** A pool unused this long is closed. */
  idleCloseMs: number;
  /** Connecting (or waiting for a free connection of the pool) gives up after this long. */
  connectTimeoutMs: number;
}

export interface DriverConnection {
  /**
   * Runs one statement with `values` bound to its placeholders. Fails with a NodeError
   * (retriable) or NonRetriableError in plain words, or with the signal's reason when
   * the session was aborted.
   */
  query(sql: string, values: readonly unknown[]): Promise<SqlResult>;
  /** Whether the connection can no longer be used (lost, cut off by a cancel, or discarded). */
  readonly broken: boolean;
  /** Marks the connection as not to be used again (a transaction left open): closed instead of given back. */
  discard(): void;
  /** Gives the connection back to its pool; a broken one is closed instead. */
  release(): void;
}

export interface DriverPool {
  /** A connection of the pool, ready for statements under `options`. */
  acquire(options: SessionOptions): Promise<DriverConnection>;
  /** Closes every connection. */
  end(): Promise<void>;
}

export interface SqlSyntax {
  /** The placeholder of the value at `position` (from 1): `$1` or `?`. */
  placeholder(position: number): string;
  /** One name (no dots) quoted with the driver's identifier escaping. */
  quote(name: string): string;
  /** Whether writes can give back the rows they wrote (`returning *`). */
  returning: boolean;
  /** What follows `insert … values (…)` to update the row whose key exists already. */
  upsertClause(keyColumns: readonly string[], updated: readonly string[]): string;
}

export interface SqlDriver<D extends SqlDialect = SqlDialect> {
  dialect: D;
  syntax: SqlSyntax;
  createPool(data: SqlCredentialData<D>, settings: PoolSettings): DriverPool;
}

/** How long past its time limit a statement may go unanswered before its connection is cut: for a server that does not answer at all. */
export const BACKSTOP_MS = 5_000;
/** How long a cancel may take before the connection is cut instead. */
export const CANCEL_GRACE_MS = 3_000;

/**
 * `promise`, or the signal's reason as soon as it is aborted; a value that arrives after
 * that goes to `late` (a pooled connection given back).
 */
export function untilAborted<T>(promise: Promise<T>, signal: AbortSignal, late: (value: T) => void): Promise<T> {
  if (signal.aborted) {
    promise.then(late, () => undefined /* nobody waits for it any more */);
    return Promise.reject(signal.reason);
  }
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(signal.reason);
    signal.addEventListener('abort', onAbort, { once: true });
    promise.then(
      (value) => {
        signal.removeEventListener('abort', onAbort);
        if (signal.aborted) late(value);
        else resolve(value);
      },
      (error: unknown) => {
        signal.removeEventListener('abort', onAbort);
        reject(error);
      },
    );
  });
}

/** Runs `setup` on a fresh connection; when it fails, the connection goes back to its pool before the error goes on. */
export async function releaseOnFailure(connection: DriverConnection, setup: () => Promise<unknown>): Promise<void> {
  try {
    await setup();
  } catch (error) {
    connection.release();
    throw error;
  }
}
