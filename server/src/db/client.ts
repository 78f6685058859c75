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
  pool.on('error', (error) => log.warn('idle database connection lost', { error: error.message }));
  pool.on('connect', (client) => client.on('error', (error) => log.warn('database connection error', { error: error.message })));
  const db = drizzle(pool, { schema, casing: 'snake_case' });
  return { pool, db, url, close: () => pool.end() };
}
