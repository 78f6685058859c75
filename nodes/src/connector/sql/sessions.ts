/**
 * Running SQL on a database credential (`postgres` or `mysql`): the one door the
 * database nodes go through, and anything else on the server that reads a database (a
 * polling trigger). Server only; exported by `@junction/nodes/server`.
 *
 * Values are always bound to the statement's placeholders — `$1, $2 …` for PostgreSQL,
 * `?` for MySQL — and never written into the SQL. Connections come from the credential's
 * pool (pools.ts). Failures are NodeError (worth retrying: the connection, a deadlock, the
 * time limit) or NonRetriableError (the SQL, the data, the login), in plain words.
 */
import { NonRetriableError } from '../../sdk/index.ts';
import type { DriverConnection, SqlCredential, SqlDialect, SqlResult, SqlSyntax } from './driver.ts';
import { leasePool } from './pools.ts';

export type { SqlCredential, SqlDialect, SqlResult } from './driver.ts';

/** A statement's time limit unless one is given. */
export const DEFAULT_STATEMENT_TIMEOUT_MS = 30_000;

export interface SqlOptions {
  /** The longest one statement may run (default 30 s): the database stops it after that. */
  timeoutMs?: number;
  /** Aborting it (a cancelled run) stops the running statement in the database. */
  signal?: AbortSignal;
}

/** Several statements on one connection of the credential's pool. */
export interface SqlSession {
  readonly dialect: SqlDialect;
  readonly syntax: SqlSyntax;
  /** Runs one statement with `values` bound to its placeholders. */
  query(sql: string, values?: readonly unknown[]): Promise<SqlResult>;
  /** Runs `work` in one transaction: committed when it resolves, rolled back when it throws. */
  transaction<T>(work: () => Promise<T>): Promise<T>;
}

/** Callers outside the nodes (whose credential slots are checked) may hand over anything. */
function checkCredential(credential: SqlCredential | undefined): asserts credential is SqlCredential {
  const type = (credential as { type?: unknown } | undefined)?.type;
  if (type !== 'postgres' && type !== 'mysql') {
    throw new NonRetriableError(`A database needs a PostgreSQL or MySQL credential, not ${credential ? `a ${String(type)} one` : 'none'}`);
  }
}

/**
 * Runs `work` with a session on one pooled connection of `credential`, given back to the
 * pool when `work` ends. Outside a transaction, a connection lost between two statements
 * is replaced; inside one, the transaction fails.
 *
 * @example
 * await withSqlSession(credential, { signal }, (session) =>
 *   session.transaction(async () => {
 *     await session.query('update stock set qty = qty - $1 where sku = $2', [2, 'TEA-01']);
 *     await session.query('insert into moves (sku, qty) values ($1, $2)', ['TEA-01', -2]);
 *   }),
 * );
 */
export async function withSqlSession<T>(credential: SqlCredential, options: SqlOptions, work: (session: SqlSession) => Promise<T>): Promise<T> {
  checkCredential(credential);
  const timeoutMs = options.timeoutMs ?? DEFAULT_STATEMENT_TIMEOUT_MS;
  if (!Number.isFinite(timeoutMs) || timeoutMs <= 0) throw new NonRetriableError(`A statement time limit is a positive number of milliseconds, not ${timeoutMs}`);
  const signal = options.signal ?? new AbortController().signal;
  signal.throwIfAborted();
  const lease = leasePool(credential);
  let connection: DriverConnection | undefined;
  let inTransaction = false;

  const live = async (): Promise<DriverConnection> => {
    // Inside a transaction a new connection would run the rest outside it: the broken one reports the loss instead.
    if (connection && (!connection.broken || inTransaction)) return connection;
    connection?.release();
    connection = undefined;
    connection = await lease.pool.acquire({ timeoutMs, signal });
    return connection;
  };

  const session: SqlSession = {
    dialect: credential.type,
    syntax: lease.driver.syntax,
    query: async (sql, values = []) => (await live()).query(sql, values),
    async transaction(work) {
      if (inTransaction) throw new Error('A transaction is open already on this session');
      const open = await live();
      await open.query('start transaction', []);
      inTransaction = true;
      try {
        const result = await work();
        await open.query('commit', []);
        return result;
      } catch (error) {
        // Cancelled, or the rollback fails: the connection is closed rather than given back with the
        // transaction open (the server rolls back when it goes). A connection cut off is closed anyway.
        if (signal.aborted || open.broken) open.discard();
        else await open.query('rollback', []).catch(() => open.discard());
        throw error;
      } finally {
        inTransaction = false;
      }
    },
  };

  try {
    return await work(session);
  } finally {
    connection?.release();
    lease.done();
  }
}

/**
 * Runs one SQL statement on a database credential and gives its rows (as JSON: see
 * rows.ts), the number of rows it changed, and for a MySQL insert the id it generated.
 *
 * @param values bound to the placeholders in order: `$1, $2 …` (PostgreSQL), `?` (MySQL)
 * @throws NodeError (worth retrying) or NonRetriableError, in plain words; the signal's reason when aborted
 *
 * @example
 * const { rows } = await querySql(ctx.credentials.credential, 'select * from orders where updated_at > $1 order by updated_at', [since], {
 *   timeoutMs: 30_000,
 *   signal: ctx.signal,
 * });
 */
export async function querySql(credential: SqlCredential, sql: string, values: readonly unknown[] = [], options: SqlOptions = {}): Promise<SqlResult> {
  return withSqlSession(credential, options, (session) => session.query(sql, values));
}
