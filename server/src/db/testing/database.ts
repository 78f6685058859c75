/**
 * Each test file gets its own database, cloned from the migrated template that the
 * global setup built: tests never share state and never mock the database.
 */
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { inject } from 'vitest';
import { openDatabase, type Database } from '../client.ts';

export interface TestDatabase extends Database {
  /** Drops the database (closing the pool first). */
  drop(): Promise<void>;
}

async function admin<T>(run: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: inject('adminDatabaseUrl') });
  await client.connect();
  try {
    return await run(client);
  } finally {
    await client.end();
  }
}

export async function createTestDatabase(options: { max?: number } = {}): Promise<TestDatabase> {
  const name = `junction_test_${randomBytes(6).toString('hex')}`;
  await admin((client) => client.query(`create database ${name} template ${inject('templateDatabase')}`));
  const url = new URL(inject('adminDatabaseUrl'));
  url.pathname = `/${name}`;
  const database = openDatabase(url.toString(), { max: options.max ?? 20 });
  return {
    ...database,
    async drop() {
      await database.close();
      await admin((client) => client.query(`drop database if exists ${name} with (force)`));
    },
  };
}
