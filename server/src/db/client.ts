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
