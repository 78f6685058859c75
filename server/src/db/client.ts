import { drizzle, type NodePgDatabase } from 'drizzle-orm/node-postgres';
import pg from 'pg';
import { log } from '../log.ts';
import * as schema from './schema.ts';

export type Db = NodePgDatabase<typeof schema>;

export interface Database {
  pool: pg.Pool;
  db: Db;
  url: string;
  close(): Promise<void>;
}

/** Opens a connection pool and its drizzle handle. */
export function openDatabase(url: string, options: { max?: number; applicationName?: string } = {}): Database {
  const pool = new pg.Pool({ connectionString: url, max: options.max ?? 20, application_name: options.applicationName ?? 'junction' });
  // An idle client losing its connection (database restart) must not crash the process;
  // the pool replaces it and the next query reports the problem where it can be handled.
  // pool.end() resolves while its connections are still closing; the database stopping
  // right after (the embedded one) cuts them, which is expected then, not worth a warning.
  let closing = false;
  const report = (message: string) => (error: Error) => (closing ? log.debug : log.warn)(message, { error: error.message });
  pool.on('error', report('idle database connection lost'));
  pool.on('connect', (client) => client.on('error', report('database connection error')));
  const db = drizzle(pool, { schema, casing: 'snake_case' });
  return {
    pool,
    db,
    url,
    close: () => {
      closing = true;
      return pool.end();
    },
  };
}

/** Runs `work` in one transaction on one connection: committed when it returns, rolled back when it throws. */
export async function inTransaction<T>(pool: pg.Pool, work: (client: pg.PoolClient) => Promise<T>): Promise<T> {
  const client = await pool.connect();
  try {
    await client.query('begin');
    const result = await work(client);
    await client.query('commit');
    return result;
  } catch (error) {
    await client.query('rollback').catch(() => undefined /* the connection is gone: the transaction with it */);
    throw error;
  } finally {
    client.release();
  }
}

/** Resolves when the database answers a trivial query. */
export async function ping(pool: pg.Pool): Promise<void> {
  await pool.query('select 1');
}

/** PostgreSQL's codes for "cannot serve you now": connection exceptions, shutting down or starting up, full. */
const UNAVAILABLE_CODES = /^(08...|57P0[123]|53300)$/;
const UNAVAILABLE_SYSTEM_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EPIPE', 'EHOSTUNREACH', 'ENETUNREACH', 'ENOTFOUND', 'EAI_AGAIN']);
const UNAVAILABLE_MESSAGES = /Connection terminated|timeout exceeded when trying to connect|not queryable|connection error|Client was closed/i;

/**
 * True when `error` says the database could not be reached or cannot serve right now (a
 * restart, an outage), as opposed to a problem with what was asked of it. Follows causes
 * (drizzle wraps the driver's error).
 */
export function isDatabaseUnavailable(error: unknown): boolean {
  for (let e = error, depth = 0; e && depth < 5; e = (e as { cause?: unknown }).cause, depth++) {
    const code = (e as { code?: unknown }).code;
    if (typeof code === 'string' && (UNAVAILABLE_CODES.test(code) || UNAVAILABLE_SYSTEM_CODES.has(code))) return true;
    if (e instanceof Error && UNAVAILABLE_MESSAGES.test(e.message)) return true;
  }
  return false;
}

/** What is wrong with the database, in words for a health check (no address, no credentials). */
export function describeUnavailable(error: unknown): string {
  for (let e = error, depth = 0; e && depth < 5; e = (e as { cause?: unknown }).cause, depth++) {
    const code = (e as { code?: unknown }).code;
    if (code === 'ECONNREFUSED') return 'PostgreSQL refuses connections (it is not running, or not on this address)';
    if (code === 'ENOTFOUND' || code === 'EAI_AGAIN') return "PostgreSQL's host name cannot be resolved";
    if (code === 'ETIMEDOUT' || code === 'EHOSTUNREACH' || code === 'ENETUNREACH') return 'PostgreSQL cannot be reached over the network';
    if (code === '57P03') return 'PostgreSQL is starting up';
    if (code === '57P01' || code === '57P02') return 'PostgreSQL is shutting down or restarting';
    if (code === '53300') return 'PostgreSQL has no connection left for Junction';
    if (e instanceof Error && /timeout/i.test(e.message)) return 'PostgreSQL did not answer in time';
  }
  return 'PostgreSQL cannot be reached';
}

