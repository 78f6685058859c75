/**
 * Running SQL on a MySQL credential, against the real MariaDB at 127.0.0.1:3306 (tables
 * of unique names in its `test` database): values bound (hostile ones stay data), JSON of
 * each type, the time limit, cancel, errors in words, and the pools.
 */
import type mysql from 'mysql2/promise';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { NodeError, NonRetriableError } from '../../sdk/index.ts';
import { closeSqlPools, configureSqlPools, DEFAULT_POOL_SETTINGS } from './pools.ts';
import { querySql, withSqlSession } from './sessions.ts';
import { closedPort, credentialId, mariadbAdmin, mariadbAnswers, mysqlCredential, uniqueName } from './testing.ts';

const available = await mariadbAnswers();
const table = uniqueName('stock');
const user = uniqueName('junction_user');
const PASSWORD = `pw-${credentialId()}`;
let admin: mysql.Connection;

beforeAll(async () => {
  if (!available) return;
  admin = await mariadbAdmin();
  await admin.query(`create table ${table} (id int auto_increment primary key, sku varchar(40) not null unique, qty int not null check (qty >= 0), note text, price decimal(10,2), day date, at datetime, data json, bytes blob)`);
  await admin.query(`insert into ${table} (sku, qty) values ('TEA-1', 5), ('TEA-2', 0)`);
  await admin.query(`create user '${user}'@'%' identified by '${PASSWORD}'`);
});

afterAll(async () => {
  if (!available) return;
  await closeSqlPools();
  await admin.query(`drop table if exists ${table}`);
  await admin.query(`drop user if exists '${user}'@'%'`);
  await admin.end();
});

const failure = (promise: Promise<unknown>) => promise.then(
  () => {
    throw new Error('did not fail');
  },
  (error: unknown) => error as NodeError,
);

/** Statements running now whose text holds `marker`, other than this lookup. */
async function running(marker: string): Promise<number> {
  const [rows] = await admin.query<mysql.RowDataPacket[]>("select count(*) as n from information_schema.processlist where info like ? and info not like '%processlist%'", [`%${marker}%`]);
  return Number(rows[0]!.n);
}

/** This test file's user's connections open now. */
async function connections(): Promise<{ id: number }[]> {
  const [rows] = await admin.query<mysql.RowDataPacket[]>('select id from information_schema.processlist where user = ?', [user]);
  return rows as { id: number }[];
}

describe.skipIf(!available)('querySql on MySQL / MariaDB', () => {
  it('binds values to ?: a hostile value stays data', async () => {
    const credential = mysqlCredential();
    const hostile = "'); drop table stock; --";
    const inserted = await querySql(credential, `insert into ${table} (sku, qty) values (?, ?)`, [hostile, 1]);
    expect(inserted.affectedRows).toBe(1);
    expect(inserted.insertId).toEqual(expect.any(Number));
    expect((await querySql(credential, `select sku, qty from ${table} where sku = ?`, [hostile])).rows).toEqual([{ sku: hostile, qty: 1 }]);
    expect((await querySql(credential, `select count(*) as n from ${table}`)).rows).toEqual([{ n: 3 }]);
    expect(await querySql(credential, `delete from ${table} where sku = ?`, [hostile])).toEqual({ rows: [], affectedRows: 1 });
  });

  it('gives rows as JSON: numbers that fit, decimals and dates as written, JSON parsed, bytes as base64', async () => {
    const credential = mysqlCredential();
    await querySql(credential, `update ${table} set price = ?, day = ?, at = ?, data = ?, bytes = ? where sku = ?`, ['19.90', '2026-11-25', '2026-11-25 09:30:00', { tags: ['tea'] }, Buffer.from('hi'), 'TEA-1']);
    const { rows } = await querySql(credential, `select price, day, at, data, bytes, cast(9007199254740993 as signed) as big, 42 as small from ${table} where sku = ?`, ['TEA-1']);
    expect(rows).toEqual([{ price: '19.90', day: '2026-11-25', at: '2026-11-25 09:30:00', data: { tags: ['tea'] }, bytes: 'aGk=', big: '9007199254740993', small: 42 }]);
  });

  it('refuses values that do not match the ? of the SQL, before sending it', async () => {
    const error = await failure(querySql(mysqlCredential(), `select * from ${table} where sku = ? and qty = ?`, ['TEA-1']));
    expect(error).toBeInstanceOf(NonRetriableError);
    expect(error.message).toBe('The SQL has 2 ? placeholder(s) but 1 value(s) are given under Parameters');
  });

  it('stops a statement at its time limit (max_statement_time), retriable', async () => {
    const started = Date.now();
    const error = await failure(querySql(mysqlCredential(), 'select sleep(10)', [], { timeoutMs: 500 }));
    expect(Date.now() - started).toBeLessThan(5000);
    expect(error).toBeInstanceOf(NodeError);
    expect(error).not.toBeInstanceOf(NonRetriableError);
    expect(error.message).toBe('The statement ran longer than the time limit of 0.5 s and was stopped');
    expect(error.details).toMatchObject({ errno: 1969 });
  });

  it('cancels the running statement in the database when the signal aborts (KILL QUERY), the connection dropped', async () => {
    const controller = new AbortController();
    const reason = new Error('run cancelled');
    const marker = `slept_${credentialId().slice(0, 8)}`;
    const pending = querySql(mysqlCredential(), `select sleep(10) as ${marker}`, [], { signal: controller.signal });
    await expect.poll(() => running(marker)).toBe(1);
    const started = Date.now();
    controller.abort(reason);
    expect(await failure(pending)).toBe(reason);
    expect(Date.now() - started).toBeLessThan(3000);
    await expect.poll(() => running(marker)).toBe(0);
  });

  it('rolls a transaction back when its work fails', async () => {
    const credential = mysqlCredential();
    const error = await failure(
      withSqlSession(credential, {}, (session) =>
        session.transaction(async () => {
          await session.query(`update ${table} set qty = qty - 1 where sku = ?`, ['TEA-1']);
          await session.query(`insert into ${table} (sku, qty) values (?, ?)`, ['TEA-2', 1]);
        }),
      ),
    );
    expect(error.message).toBe(`Duplicate key: a row with TEA-2 already exists (key sku) (error 1062, SQL state 23000)`);
    const [rows] = await admin.query<mysql.RowDataPacket[]>(`select qty from ${table} where sku = 'TEA-1'`);
    expect(rows).toEqual([{ qty: 5 }]);
  });
});

describe.skipIf(!available)('SQL that leaves a transaction open', () => {
  it('does not hand it to the next statement of the pool', async () => {
    const credential = mysqlCredential();
    await querySql(credential, 'start transaction');
    await querySql(credential, `update ${table} set note = 'counted' where sku = ?`, ['TEA-2']);
    const [rows] = await admin.query<mysql.RowDataPacket[]>(`select note from ${table} where sku = 'TEA-2'`);
    expect(rows).toEqual([{ note: 'counted' }]);
  });
});

describe.skipIf(!available)('MySQL errors in words', () => {
  it('a table or column that does not exist', async () => {
    const missing = await failure(querySql(mysqlCredential(), 'select * from no_such_table_here'));
    expect(missing).toBeInstanceOf(NonRetriableError);
    expect(missing.message).toBe('The table test.no_such_table_here does not exist (or this user may not see it) (error 1146, SQL state 42S02)');
    const column = await failure(querySql(mysqlCredential(), `select quantity from ${table}`));
    // MariaDB names the clause (SELECT), MySQL says "field list".
    expect(column.message).toMatch(/^The column quantity does not exist \(in (SELECT|field list)\) \(error 1054, SQL state 42S22\)$/);
  });

  it('a syntax error, quoting where the server stopped reading', async () => {
    const error = await failure(querySql(mysqlCredential(), `select sku from ${table} wher qty > 1`));
    expect(error).toBeInstanceOf(NonRetriableError);
    expect(error.message).toBe('SQL syntax error near "qty > 1" (line 1) (error 1064, SQL state 42000)');
  });

  it('permission denied, to a database or a table', async () => {
    const database = await failure(querySql(mysqlCredential(undefined, { user, password: PASSWORD }), 'select 1'));
    expect(database).toBeInstanceOf(NonRetriableError);
    expect(database.message).toBe(`Permission denied: Access denied for user '${user}'@'%' to database 'test' (error 1044, SQL state 42000)`);
    const tableDenied = await failure(querySql(mysqlCredential(undefined, { user, password: PASSWORD, database: undefined }), `select * from test.${table}`));
    expect(tableDenied).toBeInstanceOf(NonRetriableError);
    expect(tableDenied.message).toMatch(new RegExp(`^Permission denied: SELECT command denied to user '${user}'@'[^']+' for table .*${table}.* \\(error 1142, SQL state 42000\\)$`));
  });

  it('a wrong password, without the password', async () => {
    const error = await failure(querySql(mysqlCredential(undefined, { user, password: 'wrong-p4ss-never-shown' }), 'select 1'));
    expect(error).toBeInstanceOf(NonRetriableError);
    expect(error.message).toBe('The database refused the user name or password (check the credential) (error 1045, SQL state 28000)');
    expect(JSON.stringify({ message: error.message, details: error.details })).not.toContain('p4ss');
  });

  it('nothing listening, a host that does not exist: retriable', async () => {
    const port = await closedPort();
    const refused = await failure(querySql(mysqlCredential(undefined, { port }), 'select 1'));
    expect(refused).not.toBeInstanceOf(NonRetriableError);
    expect(refused.message).toBe(`Could not reach the database at 127.0.0.1:${port}/test: nothing answers on that port (is the database running, and are the host and port right?) (ECONNREFUSED)`);
    const unknown = await failure(querySql(mysqlCredential(undefined, { host: 'no-such-host.invalid' }), 'select 1'));
    expect(unknown).not.toBeInstanceOf(NonRetriableError);
    expect(unknown.message).toMatch(/^Could not reach the database at no-such-host\.invalid:3306\/test: (no such host name|the host name could not be looked up)/);
  });
});

describe.skipIf(!available)('MySQL pools', () => {
  it('reuse a connection for the same credential, and open a new pool when the credential changes', async () => {
    await admin.query(`grant select on test.${table} to '${user}'@'%'`);
    await closeSqlPools();
    const id = credentialId();
    const threadOf = async (data = {}) => (await querySql(mysqlCredential(id, { user, password: PASSWORD, ...data }), 'select connection_id() as id')).rows[0]!.id as number;
    const first = await threadOf();
    expect(await threadOf()).toBe(first);
    expect(await connections()).toHaveLength(1);
    // Edited in the vault: the same login written differently (no default database), so another pool; the old one closes.
    const edited = await threadOf({ database: undefined });
    expect(edited).not.toBe(first);
    await expect.poll(async () => (await connections()).map((c) => c.id)).toEqual([edited]);
  });

  it('hold at most the configured connections; an idle pool closes itself; all close on closeSqlPools()', async () => {
    await closeSqlPools();
    configureSqlPools({ maxConnections: 2, idleCloseMs: 300 });
    try {
      const credential = mysqlCredential(undefined, { user, password: PASSWORD });
      await Promise.all(Array.from({ length: 6 }, () => querySql(credential, 'select sleep(0.2)')));
      expect((await connections()).length).toBeLessThanOrEqual(2);
      await expect.poll(async () => (await connections()).length, { timeout: 5000 }).toBe(0);
      await querySql(credential, 'select 1');
      expect(await connections()).toHaveLength(1);
      await closeSqlPools();
      await expect.poll(async () => (await connections()).length).toBe(0);
    } finally {
      configureSqlPools(DEFAULT_POOL_SETTINGS);
    }
  });
});
