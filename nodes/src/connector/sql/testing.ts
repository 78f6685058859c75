/**
 * For the database tests (tests only): a PostgreSQL database of the test file's own, on
 * the server the test run uses (random name, dropped afterwards), and the MariaDB at
 * 127.0.0.1:3306 with its `test` database. Without MariaDB its tests are skipped, except
 * under CI=true, where a missing MariaDB fails the run.
 */
import { randomBytes } from 'node:crypto';
import { createConnection, createServer } from 'node:net';
import mysql from 'mysql2/promise';
import pg from 'pg';
import { inject } from 'vitest';
import type { SqlCredential } from './driver.ts';

// What the tests' global setup (server/src/db/testing/global-setup.ts) provides, declared here
// too so that the nodes package typechecks on its own.
declare module 'vitest' {
  export interface ProvidedContext {
    adminDatabaseUrl: string;
  }
}

/** A fresh uuid-shaped id for a test credential (pools are keyed by it). */
export const credentialId = () => {
  const hex = randomBytes(16).toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-4${hex.slice(13, 16)}-8${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
};

export const uniqueName = (prefix: string) => `${prefix}_${randomBytes(5).toString('hex')}`;

export interface PostgresTestDatabase {
  name: string;
  /** A credential for it; `data` changes fields (another user, say). */
  credential(id?: string, data?: Partial<Extract<SqlCredential, { type: 'postgres' }>['data']>): Extract<SqlCredential, { type: 'postgres' }>;
  /** A client of its own, as the database's owner, for setting up and looking. */
  admin: pg.Client;
  drop(): Promise<void>;
}

function serverOf(): { host: string; port: number; user: string; password?: string } {
  const url = new URL(inject('adminDatabaseUrl'));
  return { host: url.hostname, port: Number(url.port || 5432), user: decodeURIComponent(url.username) || 'postgres', password: url.password ? decodeURIComponent(url.password) : undefined };
}

/** A new database on the tests' PostgreSQL, with a client connected to it. */
export async function createPostgresDatabase(): Promise<PostgresTestDatabase> {
  const server = serverOf();
  const name = uniqueName('junction_sql_test');
  const root = new pg.Client({ ...server, database: 'postgres' });
  await root.connect();
  try {
    await root.query(`create database ${name}`);
  } finally {
    await root.end();
  }
  const admin = new pg.Client({ ...server, database: name });
  await admin.connect();
  return {
    name,
    admin,
    credential: (id = credentialId(), data = {}) => ({ id, type: 'postgres', data: { host: server.host, port: server.port, database: name, user: server.user, password: server.password, ssl: 'disable', ...data } }),
    async drop() {
      await admin.end();
      const cleanup = new pg.Client({ ...server, database: 'postgres' });
      await cleanup.connect();
      try {
        await cleanup.query(`drop database if exists ${name} with (force)`);
      } finally {
        await cleanup.end();
      }
    },
  };
}

export const MARIADB = { host: '127.0.0.1', port: 3306, user: 'root', database: 'test' } as const;

/** Whether MariaDB answers at 127.0.0.1:3306; under CI=true it must (this throws). */
export async function mariadbAnswers(): Promise<boolean> {
  const answers = await new Promise<boolean>((resolve) => {
    const socket = createConnection({ host: MARIADB.host, port: MARIADB.port, timeout: 2000 });
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
    socket.once('timeout', () => {
      socket.destroy();
      resolve(false);
    });
  });
  if (!answers && process.env.CI === 'true') throw new Error(`The tests need MariaDB at ${MARIADB.host}:${MARIADB.port} and none answers`);
  return answers;
}

export function mysqlCredential(id = credentialId(), data: Partial<Extract<SqlCredential, { type: 'mysql' }>['data']> = {}): Extract<SqlCredential, { type: 'mysql' }> {
  return { id, type: 'mysql', data: { host: MARIADB.host, port: MARIADB.port, user: MARIADB.user, database: MARIADB.database, ssl: 'disable', ...data } };
}

/** A connection as root to the `test` database, for setting up and looking. */
export const mariadbAdmin = () => mysql.createConnection({ host: MARIADB.host, port: MARIADB.port, user: MARIADB.user, database: MARIADB.database });

/** A TCP port on loopback where nothing listens (just released). */
export async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}
