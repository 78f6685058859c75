/**
 * MySQL and MariaDB through mysql2: pools, statements with bound values (`?`, sent as a
 * prepared statement: the values never become SQL text), the time limit as the session's
 * `max_statement_time` (MariaDB) or `max_execution_time` (MySQL, selects only), and abort
 * as `KILL QUERY` from a connection of its own, the connection then dropped. Server only.
 */
import mysql from 'mysql2/promise';
import { NodeError, NonRetriableError } from '../../sdk/index.ts';
import { checkedConnection } from '../../outbound/connect.ts';
import {
  BACKSTOP_MS,
  CANCEL_GRACE_MS,
  releaseOnFailure,
  untilAborted,
  type DriverConnection,
  type DriverPool,
  type PoolSettings,
  type SessionOptions,
  type SqlCredentialData,
  type SqlDriver,
  type SqlResult,
} from './driver.ts';
import { describeMysqlError } from './mysql-errors.ts';
import { jsonRow } from './rows.ts';

type MysqlData = SqlCredentialData<'mysql'>;

const tls = (mode: MysqlData['ssl']) => (mode === 'disable' ? undefined : { rejectUnauthorized: mode === 'verify-full' });

/**
 * How to connect to the credential's database: the steps' pools, a kill's connection and
 * the credential's test all connect through the outbound policy (a socket of ours that
 * checks the address it connects to).
 */
export function mysqlConnectionConfig(data: MysqlData, connectTimeoutMs: number): mysql.ConnectionOptions {
  return {
    host: data.host,
    port: data.port,
    stream: () => checkedConnection(data.port, data.host),
    user: data.user,
    password: data.password,
    database: data.database || undefined,
    ssl: tls(data.ssl),
    connectTimeout: connectTimeoutMs,
    charset: 'utf8mb4',
    // Dates as the database wrote them (no time zone shift), DECIMAL as text (no rounding), BIGINT as a number when it fits.
    dateStrings: true,
    decimalNumbers: false,
    supportBigNumbers: true,
    bigNumberStrings: false,
    multipleStatements: false,
  };
}

/**
 * How many `?` placeholders `sql` has, outside quotes and comments: mysql2 would send a
 * statement with too few values without a word, the missing ones as empty text.
 */
export function countPlaceholders(sql: string): number {
  let count = 0;
  for (let i = 0; i < sql.length; i++) {
    const char = sql[i]!;
    if (char === "'" || char === '"' || char === '`') {
      for (i++; i < sql.length && sql[i] !== char; i++) if (sql[i] === '\\' && char !== '`') i++;
    } else if (char === '#' || (char === '-' && sql[i + 1] === '-' && /[\s]/.test(sql[i + 2] ?? ' '))) {
      while (i < sql.length && sql[i] !== '\n') i++;
    } else if (char === '/' && sql[i + 1] === '*') {
      const end = sql.indexOf('*/', i + 2);
      i = end === -1 ? sql.length : end + 1;
    } else if (char === '?') {
      count++;
    }
  }
  return count;
}

/** A value as mysql2 can bind it: lists and objects as JSON text (for JSON columns), nothing as NULL. */
function bindable(value: unknown): mysql.ExecuteValues {
  if (value === undefined) return null;
  if (typeof value === 'object' && value !== null && !(value instanceof Date) && !(value instanceof Uint8Array)) return JSON.stringify(value);
  // Text, numbers, true/false, null, dates and bytes: what mysql2 binds as they are.
  return value as mysql.ExecuteValues;
}

type Answer = mysql.RowDataPacket[] | mysql.RowDataPacket[][] | mysql.ResultSetHeader | mysql.ResultSetHeader[];

function mysqlResult(answer: Answer): SqlResult {
  const header = (one: mysql.ResultSetHeader) => ({ affectedRows: one.affectedRows, insertId: one.insertId > 0 ? one.insertId : undefined });
  if (!Array.isArray(answer)) return { rows: [], ...header(answer) };
  // A procedure's CALL answers with several result sets and a header.
  if (answer.some((part) => Array.isArray(part) || (part as { constructor?: { name?: string } }).constructor?.name === 'ResultSetHeader')) {
    const rows = answer.filter((part): part is mysql.RowDataPacket[] => Array.isArray(part)).flat();
    const affectedRows = answer.reduce((sum, part) => sum + (Array.isArray(part) ? 0 : (part as mysql.ResultSetHeader).affectedRows), 0);
    return { rows: rows.map(jsonRow), affectedRows };
  }
  const rows = (answer as mysql.RowDataPacket[]).map(jsonRow);
  return { rows, affectedRows: rows.length };
}

type Flavor = 'mariadb' | 'mysql';

/** The server's status flag "a transaction is open" (SERVER_STATUS_IN_TRANS), on every OK answer. */
const IN_TRANSACTION = 0x1;

class MysqlConnection implements DriverConnection {
  broken = false;
  /** As the server last said: SQL that began a transaction and left it open is never given to the next step inside it. */
  private inTransaction = false;
  private readonly connection: mysql.PoolConnection;
  private readonly options: SessionOptions;
  private readonly config: mysql.ConnectionOptions;
  private readonly where: string;

  constructor(connection: mysql.PoolConnection, options: SessionOptions, config: mysql.ConnectionOptions, where: string) {
    this.connection = connection;
    this.options = options;
    this.config = config;
    this.where = where;
  }

  async query(sql: string, values: readonly unknown[]): Promise<SqlResult> {
    const { signal, timeoutMs } = this.options;
    signal.throwIfAborted();
    if (this.broken) throw new NodeError(`The connection to the database at ${this.where} was lost`);
    if (values.length > 0) {
      const placeholders = countPlaceholders(sql);
      if (placeholders !== values.length) {
        throw new NonRetriableError(`The SQL has ${placeholders} ? placeholder(s) but ${values.length} value(s) are given under Parameters`, { details: { placeholders, values: values.length } });
      }
    }
    let stuck = false;
    const threadId = this.connection.threadId;
    const onAbort = () => {
      this.broken = true;
      void this.kill(threadId);
    };
    const backstop = setTimeout(() => {
      stuck = true;
      this.broken = true;
      this.connection.destroy();
    }, timeoutMs + BACKSTOP_MS);
    signal.addEventListener('abort', onAbort, { once: true });
    try {
      // Without values, the text protocol (any statement); with values, a prepared statement: they are bound, never spliced.
      const [answer] = values.length === 0 ? await this.connection.query(sql) : await this.connection.execute(sql, values.map(bindable));
      if (!Array.isArray(answer)) this.inTransaction = ((answer as mysql.ResultSetHeader).serverStatus & IN_TRANSACTION) !== 0;
      return mysqlResult(answer as Answer);
    } catch (error) {
      if (signal.aborted) throw signal.reason;
      if (stuck) throw new NodeError(`No answer from the database at ${this.where} within ${(timeoutMs + BACKSTOP_MS) / 1000} s`, { cause: error });
      // An error the server answered with (an SQL state) leaves the connection usable.
      if (!(error as { sqlState?: unknown }).sqlState || (error as { fatal?: unknown }).fatal) this.broken = true;
      throw describeMysqlError(error, { where: this.where, timeoutMs });
    } finally {
      clearTimeout(backstop);
      signal.removeEventListener('abort', onAbort);
    }
  }

  /** Stops the statement running on `threadId` from a connection of its own, then drops this one. */
  private async kill(threadId: number): Promise<void> {
    try {
      const killer = await mysql.createConnection({ ...this.config, connectTimeout: CANCEL_GRACE_MS });
      killer.on('error', () => undefined /* dropped below either way */);
      try {
        await killer.query(`kill query ${Number(threadId)}`);
      } finally {
        killer.destroy();
      }
    } catch {
      // Could not reach the server to stop it: dropping the connection is all that is left.
    }
    this.connection.destroy();
  }

  discard(): void {
    this.broken = true;
  }

  release(): void {
    if (this.broken || this.inTransaction) this.connection.destroy();
    else this.connection.release();
  }
}

function createPool(data: MysqlData, settings: PoolSettings): DriverPool {
  const config = mysqlConnectionConfig(data, settings.connectTimeoutMs);
  const where = `${data.host}:${data.port}${data.database ? `/${data.database}` : ''}`;
  const pool = mysql.createPool({
    ...config,
    connectionLimit: settings.maxConnections,
    maxIdle: settings.maxConnections,
    idleTimeout: Math.min(30_000, settings.idleCloseMs),
    enableKeepAlive: true,
    waitForConnections: true,
  });
  // A connection the server closed while idle: mysql2 drops it from the pool; this keeps the event from going unheard.
  pool.pool.on('connection', (connection: { on(event: 'error', listener: () => void): void }) => connection.on('error', () => undefined));
  let flavor: Flavor | undefined;

  /** Sets the statement time limit for the session: MariaDB's variable, else MySQL's (which only limits selects). */
  async function limitStatements(connection: MysqlConnection, timeoutMs: number): Promise<void> {
    if (flavor !== 'mysql') {
      try {
        await connection.query(`set session max_statement_time = ${(timeoutMs / 1000).toFixed(3)}`, []);
        flavor = 'mariadb';
        return;
      } catch (error) {
        // 1193: unknown system variable, the server is MySQL.
        if ((error as { details?: { errno?: number } }).details?.errno !== 1193) throw error;
        flavor = 'mysql';
      }
    }
    await connection.query(`set session max_execution_time = ${Math.round(timeoutMs)}`, []);
  }

  return {
    async acquire(options) {
      let timer: NodeJS.Timeout | undefined;
      // mysql2 waits for a free connection without end: the connect timeout bounds that wait too.
      const waited = new Promise<never>((_, reject) => {
        timer = setTimeout(
          () => reject(new NodeError(`No connection to the database at ${where} within ${settings.connectTimeoutMs / 1000} s (all ${settings.maxConnections} connections of this credential are busy)`)),
          settings.connectTimeoutMs + 1000,
        );
      });
      const pending = pool.getConnection();
      let connection: mysql.PoolConnection;
      try {
        connection = await untilAborted(Promise.race([pending, waited]), options.signal, () => undefined /* given back below */);
      } catch (error) {
        // Arriving after the wait was given up: back to the pool, once.
        pending.then((late) => late.release(), () => undefined /* failed: nothing to give back */);
        throw options.signal.aborted ? options.signal.reason : describeMysqlError(error, { where, timeoutMs: options.timeoutMs });
      } finally {
        clearTimeout(timer);
      }
      const session = new MysqlConnection(connection, options, config, where);
      await releaseOnFailure(session, () => limitStatements(session, options.timeoutMs));
      return session;
    },
    end: () => pool.end(),
  };
}

export const mysqlDriver: SqlDriver<'mysql'> = {
  dialect: 'mysql',
  syntax: {
    placeholder: () => '?',
    quote: (name) => mysql.escapeId(name, true),
    returning: false,
    upsertClause(keyColumns, updated) {
      // No column to update: setting the key to itself keeps the row as it is (what PostgreSQL's "do nothing" does).
      if (updated.length === 0) return `on duplicate key update ${keyColumns[0]} = ${keyColumns[0]}`;
      return `on duplicate key update ${updated.map((column) => `${column} = values(${column})`).join(', ')}`;
    },
  },
  createPool,
};
