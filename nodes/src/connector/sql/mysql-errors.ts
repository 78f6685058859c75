/**
 * MySQL's and MariaDB's errors in plain words, by error number
 * (https://dev.mysql.com/doc/mysql-errors/8.0/en/server-error-reference.html,
 * https://mariadb.com/kb/en/mariadb-error-codes/). Connection problems, deadlocks and lock
 * waits are worth retrying (NodeError); SQL that is wrong, data that does not fit and
 * refused logins are not (NonRetriableError).
 */
import { NodeError, NonRetriableError } from '../../sdk/index.ts';
import { networkError, timeoutError } from './errors.ts';

/** The fields of a mysql2 error this reads. */
interface MysqlError {
  code?: string;
  errno?: number;
  sqlState?: string;
  sqlMessage?: string;
  message: string;
  fatal?: boolean;
}

export interface MysqlErrorContext {
  /** host:port/database, for connection problems. */
  where: string;
  timeoutMs: number;
}

/** Error numbers worth another attempt: deadlock, lock wait timeout, too many connections, server gone or shutting down, lost connection. */
const RETRIABLE = new Set([1205, 1213, 1040, 1053, 1077, 1152, 1153, 1154, 1158, 1159, 1160, 1161, 2002, 2003, 2006, 2013, 2055]);
/** The statement was stopped by its time limit: MariaDB's max_statement_time, MySQL's max_execution_time. */
const TIMED_OUT = new Set([1969, 3024]);

const quoted = (message: string) => /'([^']+)'/.exec(message)?.[1];

function wording(error: MysqlError, text: string, where: string): string {
  switch (error.errno) {
    case 1146:
      return `The table ${quoted(text) ?? '(unnamed)'} does not exist (or this user may not see it)`;
    case 1054: {
      const [, column, clause] = /Unknown column '([^']+)' in '([^']+)'/.exec(text) ?? [];
      return `The column ${column ?? '(unnamed)'} does not exist${clause ? ` (in ${clause})` : ''}`;
    }
    case 1062: {
      const [, value, key] = /Duplicate entry '(.*)' for key '([^']+)'/s.exec(text) ?? [];
      return value !== undefined ? `Duplicate key: a row with ${value} already exists (key ${key})` : `Duplicate key: ${text}`;
    }
    case 1451:
    case 1452:
      return `A reference to another table does not match: ${text}`;
    case 4025: {
      // MariaDB: CONSTRAINT `stock.qty` failed for `test`.`stock`
      const [, check, table] = /CONSTRAINT `([^`]+)` failed for (.+)$/.exec(text) ?? [];
      return check ? `The row breaks the check ${check} of the table ${table!.replaceAll('`', '')}` : text;
    }
    case 3819:
      // MySQL: Check constraint 'stock_chk_1' is violated.
      return `The row breaks the check ${quoted(text) ?? '(unnamed)'}`;
    case 1048:
      return `The column ${quoted(text) ?? '(unnamed)'} needs a value (it cannot be empty/null)`;
    case 1364:
      return `The column ${quoted(text) ?? '(unnamed)'} needs a value: it has no default`;
    case 1406:
      return `The value is too long for the column ${quoted(text) ?? '(unnamed)'}`;
    case 1044:
    case 1142:
    case 1143:
    case 1227:
    case 1370:
      return `Permission denied: ${text}`;
    case 1064: {
      const [, near, line] = /near '(.*)' at line (\d+)$/s.exec(text) ?? [];
      if (near === undefined) return `SQL syntax error: ${text}`;
      return near === '' ? `SQL syntax error at the end of the SQL (line ${line}): something is missing` : `SQL syntax error near "${near.slice(0, 40)}${near.length > 40 ? '…' : ''}" (line ${line})`;
    }
    case 1210:
      return 'The SQL\'s ? placeholders do not match the values given under Parameters';
    case 1045:
      return 'The database refused the user name or password (check the credential)';
    case 1049:
      return `The database ${quoted(text) ?? '(unnamed)'} does not exist on ${where.split('/')[0]}`;
    case 1213:
      return 'The database broke a deadlock by stopping this transaction; it can be tried again';
    case 1205:
      return 'Waited too long for a row locked by another transaction (lock wait timeout); it can be tried again';
    case 1040:
      return 'The database has no connection free (too many connections)';
    default:
      return text;
  }
}

/**
 * `error` (from mysql2) as a NodeError or NonRetriableError saying what went wrong, with
 * the error number and SQL state in the message and in `details`.
 */
export function describeMysqlError(error: unknown, context: MysqlErrorContext): NodeError {
  if (error instanceof NodeError) return error;
  const network = networkError(error, context.where);
  if (network) return network;
  const mysqlError = error as MysqlError;
  const errno = typeof mysqlError?.errno === 'number' ? mysqlError.errno : undefined;
  const text = mysqlError?.sqlMessage ?? (error as Error)?.message ?? String(error);
  if (errno === undefined || !mysqlError.sqlState) {
    if (mysqlError?.code === 'PROTOCOL_CONNECTION_LOST' || mysqlError?.fatal) {
      return new NodeError(`The connection to the database at ${context.where} was lost: ${text}`, { cause: error, details: mysqlError.code ? { code: mysqlError.code } : undefined });
    }
    if (mysqlError?.code === 'HANDSHAKE_SSL_ERROR' || /SSL|TLS/i.test(text)) {
      return new NonRetriableError(`The encrypted connection (TLS) to ${context.where} failed: ${text} (check the credential's TLS mode)`, { cause: error });
    }
    return new NodeError(`The database at ${context.where} failed: ${text}`, { cause: error });
  }
  const details: Record<string, unknown> = { errno, sqlState: mysqlError.sqlState };
  if (mysqlError.code) details.code = mysqlError.code;
  if (TIMED_OUT.has(errno)) return timeoutError(context.timeoutMs, error, details);
  const ErrorClass = RETRIABLE.has(errno) || mysqlError.sqlState.startsWith('08') ? NodeError : NonRetriableError;
  return new ErrorClass(`${wording(mysqlError, text, context.where)} (error ${errno}, SQL state ${mysqlError.sqlState})`, { cause: error, details });
}
