/**
 * PostgreSQL through node-postgres (pg): pools, statements with bound values ($1, $2 …),
 * the time limit as the session's `statement_timeout`, and abort as `pg_cancel_backend`
 * from a connection of its own. Server only.
 */
import pg from 'pg';
import { NodeError } from '../../sdk/index.ts';
import { CheckedSocket } from '../../outbound/connect.ts';
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
import { describePostgresError } from './postgres-errors.ts';
import { int8, jsonRow } from './rows.ts';

type PostgresData = SqlCredentialData<'postgres'>;

const { builtins } = pg.types;
/**
 * Dates and times without a zone as the database wrote them (pg would read them as this
 * server's local time and shift them); 64-bit integers as numbers when they fit.
 */
const TYPES = {
  getTypeParser(oid: number, format?: 'text' | 'binary') {
    if (oid === builtins.DATE || oid === builtins.TIMESTAMP) return (text: string) => text;
    if (oid === builtins.INT8) return int8;
    return pg.types.getTypeParser(oid, format);
  },
};

const tls = (mode: PostgresData['ssl']) => (mode === 'disable' ? undefined : { rejectUnauthorized: mode === 'verify-full' });

/**
 * How to connect to the credential's database: the steps' pools, a cancel's connection
 * and the credential's test all connect through the outbound policy (a socket of ours
 * that checks the address it connects to).
 */
export function postgresClientConfig(data: PostgresData, connectTimeoutMs: number): pg.ClientConfig {
  return {
    stream: () => new CheckedSocket(),
    host: data.host,
    port: data.port,
    database: data.database,
    user: data.user,
    password: data.password,
    ssl: tls(data.ssl),
    connectionTimeoutMillis: connectTimeoutMs,
    application_name: 'Junction',
    types: TYPES,
  };
}

/** Asks the server to stop the statement running on backend `pid`, from a connection of its own. */
async function cancelBackend(config: pg.ClientConfig, pid: number): Promise<void> {
  const canceller = new pg.Client({ ...config, connectionTimeoutMillis: CANCEL_GRACE_MS });
  canceller.on('error', () => undefined /* the caller falls back to cutting the connection */);
  try {
    await canceller.connect();
    await canceller.query('select pg_cancel_backend($1)', [pid]);
  } finally {
    await canceller.end().catch(() => undefined /* never opened */);
  }
}

class PostgresConnection implements DriverConnection {
  broken = false;
  private readonly client: pg.PoolClient;
  private readonly options: SessionOptions;
  private readonly config: pg.ClientConfig;
  private readonly where: string;
  private readonly onError = () => {
    // A connection lost while checked out: the statement running reports it; never reused.
    this.broken = true;
  };

  constructor(client: pg.PoolClient, options: SessionOptions, config: pg.ClientConfig, where: string) {
    this.client = client;
    this.options = options;
    this.config = config;
    this.where = where;
    client.on('error', this.onError);
  }

  /** Drops the connection at once (its socket), failing the statement it runs: the last resort of abort and time limit. */
  private cutOff(): void {
    this.broken = true;
    // node-postgres keeps the socket as connection.stream and destroys it itself on its own timeouts.
    (this.client as unknown as { connection: { stream: { destroy(): void } } }).connection.stream.destroy();
  }

  async query(sql: string, values: readonly unknown[]): Promise<SqlResult> {
    const { signal, timeoutMs } = this.options;
    signal.throwIfAborted();
    if (this.broken) throw new NodeError(`The connection to the database at ${this.where} was lost`);
    let stuck = false;
    let grace: NodeJS.Timeout | undefined;
    const onAbort = () => {
      // The backend's process id, which node-postgres keeps from the server's greeting (its types leave it out).
      const pid = (this.client as unknown as { processID: number }).processID;
      cancelBackend(this.config, pid).catch(() => this.cutOff());
      grace = setTimeout(() => this.cutOff(), CANCEL_GRACE_MS);
      // Cancelled mid-statement: not worth keeping (it may be in an aborted transaction).
      this.broken = true;
    };
    // The server stops the statement at statement_timeout; this is for a server that does not answer at all.
    const backstop = setTimeout(() => {
      stuck = true;
      this.cutOff();
    }, timeoutMs + BACKSTOP_MS);
    signal.addEventListener('abort', onAbort, { once: true });
    try {
      const result = await this.client.query({ text: sql, values: [...values] });
      return postgresResult(result);
    } catch (error) {
      if (signal.aborted) throw signal.reason;
      if (stuck) throw new NodeError(`No answer from the database at ${this.where} within ${(timeoutMs + BACKSTOP_MS) / 1000} s`, { cause: error });
      const described = describePostgresError(error, { sql, where: this.where, timeoutMs });
      // The server answered with an SQL state: the connection is fine, unless the state says it is not (08, 57P).
      const code = (error as { code?: unknown }).code;
      if (typeof code !== 'string' || !/^[0-9A-Z]{5}$/.test(code) || code.startsWith('08') || code.startsWith('57P')) this.broken = true;
      throw described;
    } finally {
      clearTimeout(backstop);
      clearTimeout(grace);
      signal.removeEventListener('abort', onAbort);
    }
  }

  discard(): void {
    this.broken = true;
  }

  release(): void {
    this.client.removeListener('error', this.onError);
    // SQL that began a transaction and left it open ('begin' in a query): never given to the next step inside it.
    if (this.client.getTransactionStatus() !== 'I') this.broken = true;
    // pg-pool closes a client released with an error instead of keeping it.
    this.client.release(this.broken ? new Error('closed: broken or cancelled') : undefined);
  }
}

/** One query's result, or the results of several statements sent as one text (`select 1; select 2`), as one. */
function postgresResult(result: pg.QueryResult | pg.QueryResult[]): SqlResult {
  const results = Array.isArray(result) ? result : [result];
  return {
    rows: results.flatMap((one) => one.rows.map(jsonRow)),
    affectedRows: results.reduce((sum, one) => sum + (one.rowCount ?? one.rows.length), 0),
  };
}

function createPool(data: PostgresData, settings: PoolSettings): DriverPool {
  const config = postgresClientConfig(data, settings.connectTimeoutMs);
  const where = `${data.host}:${data.port}/${data.database}`;
  const pool = new pg.Pool({
    ...config,
    max: settings.maxConnections,
    idleTimeoutMillis: Math.min(30_000, settings.idleCloseMs),
    // Idle connections never keep the process alive.
    allowExitOnIdle: true,
  });
  // An idle connection the server closed (a restart): the pool drops it and the next statement opens another.
  pool.on('error', () => undefined);
  return {
    async acquire(options) {
      const client = await untilAborted(pool.connect(), options.signal, (late) => late.release()).catch((error: unknown) => {
        throw options.signal.aborted ? options.signal.reason : describePostgresError(error, { sql: '', where, timeoutMs: options.timeoutMs });
      });
      const connection = new PostgresConnection(client, options, config, where);
      // Set for the whole session, outside any transaction (a rolled back transaction would undo it).
      await releaseOnFailure(connection, () => connection.query(`set statement_timeout = ${Math.round(options.timeoutMs)}`, []));
      return connection;
    },
    end: () => pool.end(),
  };
}

export const postgresDriver: SqlDriver<'postgres'> = {
  dialect: 'postgres',
  syntax: {
    placeholder: (position) => `$${position}`,
    quote: (name) => pg.escapeIdentifier(name),
    returning: true,
    upsertClause(keyColumns, updated) {
      const conflict = `on conflict (${keyColumns.join(', ')})`;
      if (updated.length === 0) return `${conflict} do nothing`;
      return `${conflict} do update set ${updated.map((column) => `${column} = excluded.${column}`).join(', ')}`;
    },
  },
  createPool,
};
