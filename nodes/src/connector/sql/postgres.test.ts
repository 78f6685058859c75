/**
 * Running SQL on a PostgreSQL credential, against the real server: values bound (hostile
 * ones stay data), JSON of each type, the time limit, cancel, errors in words, and the
 * pools (reused, replaced when the credential changes, closed when idle or on shutdown).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { NodeError, NonRetriableError } from '../../sdk/index.ts';
import { closeSqlPools, configureSqlPools, DEFAULT_POOL_SETTINGS } from './pools.ts';
import { querySql, withSqlSession } from './sessions.ts';
import { closedPort, createPostgresDatabase, type PostgresTestDatabase } from './testing.ts';

let db: PostgresTestDatabase;

beforeAll(async () => {
  db = await createPostgresDatabase();
  await db.admin.query('create table stock (sku text primary key, qty int not null check (qty >= 0), note text)');
  await db.admin.query("insert into stock values ('TEA-1', 5, null), ('TEA-2', 0, 'sold out')");
});

afterAll(async () => {
  await closeSqlPools();
  await db?.drop();
});

const failure = (promise: Promise<unknown>) => promise.then(
  () => {
    throw new Error('did not fail');
  },
  (error: unknown) => error as NodeError,
);

/** Backends of this test database other than the admin's. */
async function backends(): Promise<{ pid: number; query: string; state: string }[]> {
  const { rows } = await db.admin.query('select pid, query, state from pg_stat_activity where datname = $1 and pid <> pg_backend_pid()', [db.name]);
  return rows;
}

describe('querySql on PostgreSQL', () => {
  it('binds values to $1, $2: a hostile value stays data', async () => {
    const credential = db.credential();
    const hostile = "'); drop table stock; --";
    await querySql(credential, 'insert into stock (sku, qty) values ($1, $2)', [hostile, 1]);
    const { rows } = await querySql(credential, 'select sku, qty from stock where sku = $1', [hostile]);
    expect(rows).toEqual([{ sku: hostile, qty: 1 }]);
    expect((await querySql(credential, 'select count(*) as n from stock')).rows).toEqual([{ n: 3 }]);
    const deleted = await querySql(credential, 'delete from stock where sku = $1', [hostile]);
    expect(deleted).toEqual({ rows: [], affectedRows: 1 });
  });

  it('gives rows as JSON: numbers that fit, decimals and dates as written, instants in UTC, bytes as base64', async () => {
    const { rows } = await querySql(
      db.credential(),
      `select 42::int8 as small, 9007199254740993::int8 as big, 19.90::numeric(10,2) as price, date '2026-11-25' as day,
              timestamp '2026-11-25 09:30:00' as local, timestamptz '2026-11-25 09:30:00+08' as instant,
              '{"tags":["tea"]}'::jsonb as data, '\\x6869'::bytea as bytes, array[1,2] as list, null::text as nothing, true as yes`,
    );
    expect(rows).toEqual([
      { small: 42, big: '9007199254740993', price: '19.90', day: '2026-11-25', local: '2026-11-25 09:30:00', instant: '2026-11-25T01:30:00.000Z', data: { tags: ['tea'] }, bytes: 'aGk=', list: [1, 2], nothing: null, yes: true },
    ]);
  });

  it('stops a statement at its time limit (statement_timeout), retriable', async () => {
    const started = Date.now();
    const error = await failure(querySql(db.credential(), 'select pg_sleep(10)', [], { timeoutMs: 500 }));
    expect(Date.now() - started).toBeLessThan(5000);
    expect(error).toBeInstanceOf(NodeError);
    expect(error).not.toBeInstanceOf(NonRetriableError);
    expect(error.message).toBe('The statement ran longer than the time limit of 0.5 s and was stopped');
    expect(error.details).toEqual({ sqlState: '57014' });
  });

  it('cancels the running statement in the database when the signal aborts', async () => {
    const controller = new AbortController();
    const reason = new Error('run cancelled');
    const running = querySql(db.credential(), 'select pg_sleep(10) as slept', [], { signal: controller.signal });
    await expect.poll(async () => (await backends()).some((b) => b.query.includes('pg_sleep(10) as slept') && b.state === 'active')).toBe(true);
    const started = Date.now();
    controller.abort(reason);
    expect(await failure(running)).toBe(reason);
    expect(Date.now() - started).toBeLessThan(3000);
    await expect.poll(async () => (await backends()).some((b) => b.query.includes('pg_sleep(10) as slept') && b.state === 'active')).toBe(false);
  });

  it('does not start when the signal is aborted already', async () => {
    const reason = new Error('cancelled before');
    expect(await failure(querySql(db.credential(), 'select 1', [], { signal: AbortSignal.abort(reason) }))).toBe(reason);
  });

  it('rolls a transaction back when its work fails, and commits it when it succeeds', async () => {
    const credential = db.credential();
    const error = await failure(
      withSqlSession(credential, {}, (session) =>
        session.transaction(async () => {
          await session.query('update stock set qty = qty - 1 where sku = $1', ['TEA-1']);
          await session.query('update stock set qty = qty - 1 where sku = $1', ['TEA-2']); // qty 0: the check fails
        }),
      ),
    );
    expect(error.message).toBe('The row breaks the check stock_qty_check of the table stock (SQL state 23514)');
    expect((await db.admin.query("select qty from stock where sku = 'TEA-1'")).rows).toEqual([{ qty: 5 }]);
    await withSqlSession(credential, {}, (session) => session.transaction(() => session.query("update stock set qty = 4 where sku = 'TEA-1'")));
    expect((await db.admin.query("select qty from stock where sku = 'TEA-1'")).rows).toEqual([{ qty: 4 }]);
  });
});

describe('a transaction cancelled between two statements', () => {
  it('keeps nothing, and its connection never goes back to the pool with the transaction open', async () => {
    const credential = db.credential();
    const controller = new AbortController();
    const reason = new Error('run cancelled');
    const error = await failure(
      withSqlSession(credential, { signal: controller.signal }, (session) =>
        session.transaction(async () => {
          await session.query("update stock set note = 'half done' where sku = 'TEA-1'");
          controller.abort(reason);
          await session.query('select 1');
        }),
      ),
    );
    expect(error).toBe(reason);
    // The same pool again: a connection still inside that transaction would see its own change.
    expect((await querySql(credential, "select note from stock where sku = 'TEA-1'")).rows).toEqual([{ note: null }]);
    expect((await db.admin.query("select note from stock where sku = 'TEA-1'")).rows).toEqual([{ note: null }]);
  });
});

describe('SQL that leaves a transaction open', () => {
  it('does not hand it to the next statement of the pool', async () => {
    const credential = db.credential();
    await querySql(credential, 'begin');
    await querySql(credential, "update stock set note = 'counted' where sku = 'TEA-2'");
    expect((await db.admin.query("select note from stock where sku = 'TEA-2'")).rows).toEqual([{ note: 'counted' }]);
    await db.admin.query("update stock set note = 'sold out' where sku = 'TEA-2'");
  });
});

describe('PostgreSQL errors in words', () => {
  it('a table or column that does not exist, with where in the SQL', async () => {
    const table = await failure(querySql(db.credential(), 'select * from stok'));
    expect(table).toBeInstanceOf(NonRetriableError);
    expect(table.message).toBe('The table stok does not exist (or this user may not see it) near character 15 ("select * from stok") (SQL state 42P01)');
    const column = await failure(querySql(db.credential(), 'select quantity from stock'));
    expect(column.message).toBe('The column quantity does not exist near character 8 ("select quantity from stock") (SQL state 42703)');
  });

  it('a duplicate key, naming the constraint and the key', async () => {
    const error = await failure(querySql(db.credential(), 'insert into stock (sku, qty) values ($1, 1)', ['TEA-2']));
    expect(error).toBeInstanceOf(NonRetriableError);
    expect(error.message).toBe('Duplicate key: a row with sku = TEA-2 already exists (constraint stock_pkey) (SQL state 23505)');
    expect(error.details).toEqual({ sqlState: '23505', constraint: 'stock_pkey' });
  });

  it('a syntax error near a character, quoting the SQL there', async () => {
    const error = await failure(querySql(db.credential(), 'select sku\nfrom stock\nwher qty > 1'));
    expect(error).toBeInstanceOf(NonRetriableError);
    // PostgreSQL reads "wher" as a name for the table, and stops at "qty".
    expect(error.message).toBe('SQL syntax error near character 28 ("…sku from stock wher qty > 1"): syntax error at or near "qty" (SQL state 42601)');
    expect(error.details).toEqual({ sqlState: '42601', position: 28 });
  });

  it('values that do not match the $n of the SQL', async () => {
    expect((await failure(querySql(db.credential(), 'select $1::int', [1, 2]))).message).toBe(
      'The SQL uses 1 value placeholder(s) ($1 …) but 2 value(s) are given under Parameters (SQL state 08P01)',
    );
    const missing = await failure(querySql(db.credential(), 'select * from stock where sku = $1'));
    expect(missing).toBeInstanceOf(NonRetriableError);
    expect(missing.message).toMatch(/^The SQL refers to a value \(\$1\) that is not given: add it under Parameters near character 33/);
  });

  it('permission denied', async () => {
    const role = `junction_reader_${db.name.slice(-10)}`;
    await db.admin.query(`create role ${role} login`);
    try {
      const error = await failure(querySql(db.credential(undefined, { user: role }), 'select * from stock'));
      expect(error).toBeInstanceOf(NonRetriableError);
      expect(error.message).toBe('Permission denied: permission denied for table stock (SQL state 42501)');
    } finally {
      await closeSqlPools();
      await db.admin.query(`drop role ${role}`);
    }
  });

  it('a login refused, a database that does not exist', async () => {
    const role = await failure(querySql(db.credential(undefined, { user: 'no_such_role', password: 'p4ss-never-shown' }), 'select 1'));
    expect(role).toBeInstanceOf(NonRetriableError);
    expect(role.message).toBe('The database refused the login: role "no_such_role" does not exist (check the credential) (SQL state 28000)');
    expect(role.message).not.toContain('p4ss');
    const database = await failure(querySql(db.credential(undefined, { database: 'no_such_database' }), 'select 1'));
    expect(database.message).toMatch(/^The database no_such_database does not exist on 127\.0\.0\.1:\d+ \(SQL state 3D000\)$/);
  });

  it('nothing listening, a host that does not exist: retriable', async () => {
    const port = await closedPort();
    const refused = await failure(querySql(db.credential(undefined, { host: '127.0.0.1', port, password: 'p4ss-never-shown' }), 'select 1'));
    expect(refused).toBeInstanceOf(NodeError);
    expect(refused).not.toBeInstanceOf(NonRetriableError);
    expect(refused.message).toBe(
      `Could not reach the database at 127.0.0.1:${port}/${db.name}: nothing answers on that port (is the database running, and are the host and port right?) (ECONNREFUSED)`,
    );
    const unknown = await failure(querySql(db.credential(undefined, { host: 'no-such-host.invalid' }), 'select 1'));
    expect(unknown).not.toBeInstanceOf(NonRetriableError);
    expect(unknown.message).toMatch(/^Could not reach the database at no-such-host\.invalid:\d+\/\w+: (no such host name \(check the host for typos\) \(ENOTFOUND\)|the host name could not be looked up just now \(DNS\) \(EAI_AGAIN\))$/);
  });
});

describe('PostgreSQL pools', () => {
  it('reuse a connection for the same credential, and open a new pool when the credential changes', async () => {
    await closeSqlPools();
    const id = db.credential().id;
    const pid = async (data: Parameters<PostgresTestDatabase['credential']>[1] = {}) =>
      (await querySql(db.credential(id, data), 'select pg_backend_pid() as pid')).rows[0]!.pid as number;
    const first = await pid();
    expect(await pid()).toBe(first);
    expect(await backends()).toHaveLength(1);
    // Edited in the vault (the server trusts loopback, so any password logs in): another pool, the old one closed.
    const edited = await pid({ password: 'rotated' });
    expect(edited).not.toBe(first);
    await expect.poll(async () => (await backends()).map((b) => b.pid)).toEqual([edited]);
  });

  it('hold at most the configured connections; an idle pool closes itself', async () => {
    await closeSqlPools();
    configureSqlPools({ maxConnections: 2, idleCloseMs: 300 });
    try {
      const credential = db.credential();
      await Promise.all(Array.from({ length: 6 }, () => querySql(credential, 'select pg_sleep(0.2)')));
      expect((await backends()).length).toBeLessThanOrEqual(2);
      await expect.poll(async () => (await backends()).length, { timeout: 5000 }).toBe(0);
    } finally {
      configureSqlPools(DEFAULT_POOL_SETTINGS);
    }
  });

  it('all close on closeSqlPools()', async () => {
    await Promise.all([querySql(db.credential(), 'select 1'), querySql(db.credential(), 'select 2')]);
    expect((await backends()).length).toBeGreaterThanOrEqual(2);
    await closeSqlPools();
    await expect.poll(async () => (await backends()).length).toBe(0);
  });

  it('refuse settings that make no sense', () => {
    expect(() => configureSqlPools({ maxConnections: 0 })).toThrow('maxConnections must be a whole number of at least 1, not 0');
  });
});
