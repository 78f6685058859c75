/**
 * PostgreSQL's errors in plain words, by SQL state (https://www.postgresql.org/docs/current/errcodes-appendix.html).
 * Connection problems, lock conflicts and an overloaded server are worth retrying
 * (NodeError); SQL that is wrong, data that does not fit and refused logins are not
 * (NonRetriableError).
 */
import { NodeError, NonRetriableError } from '../../sdk/index.ts';
import { excerptAt, networkError, timeoutError } from './errors.ts';

/** The fields of a pg DatabaseError this reads. */
interface PgError {
  code?: string;
  message: string;
  position?: string;
  detail?: string;
  constraint?: string;
  table?: string;
  column?: string;
}

export interface PostgresErrorContext {
  sql: string;
  /** host:port/database, for connection problems. */
  where: string;
  timeoutMs: number;
}

/** SQL state classes worth another attempt: connection (08), transaction rollback (40: deadlock, serialization), resources (53), operator intervention (57), system (58). */
const RETRIABLE_CLASSES = new Set(['08', '40', '53', '57', '58']);

const quoted = (message: string) => /"([^"]+)"/.exec(message)?.[1];

function wording(error: PgError, context: PostgresErrorContext): string {
  const name = quoted(error.message);
  switch (error.code) {
    case '42P01':
      return `The table ${name ?? '(unnamed)'} does not exist (or this user may not see it)${syntaxPosition(error, context.sql)}`;
    case '42703': {
      const table = /of relation "([^"]+)"/.exec(error.message)?.[1];
      return `The column ${name ?? '(unnamed)'} does not exist${table ? ` in the table ${table}` : ''}${syntaxPosition(error, context.sql)}`;
    }
    case '23505':
      return `Duplicate key: ${keyDetail(error.detail) ?? 'a row with the same key already exists'} (constraint ${error.constraint ?? 'unknown'})`;
    case '23503':
      return `A reference to another table does not match: ${error.detail ?? error.message} (constraint ${error.constraint ?? 'unknown'})`;
    case '23502':
      return `The column ${error.column ?? name ?? '(unnamed)'} needs a value (it cannot be empty/null)`;
    case '23514':
      return `The row breaks the check ${error.constraint ?? '(unnamed)'} of the table ${error.table ?? '(unnamed)'}`;
    case '42501':
      return `Permission denied: ${error.message}`;
    case '42601':
      return `SQL syntax error${syntaxPosition(error, context.sql)}: ${error.message}`;
    case '08P01':
      // A protocol violation, but in practice: the values given do not match the SQL's $n.
      if (/bind message supplies/.test(error.message)) {
        const [, given, needed] = /supplies (\d+) parameters?, but prepared statement "[^"]*" requires (\d+)/.exec(error.message) ?? [];
        return `The SQL uses ${needed ?? 'a different number of'} value placeholder(s) ($1 …) but ${given ?? 'another number of'} value(s) are given under Parameters`;
      }
      return error.message;
    case '42P02':
      return `The SQL refers to a value (${/\$\d+/.exec(error.message)?.[0] ?? '$n'}) that is not given: add it under Parameters${syntaxPosition(error, context.sql)}`;
    case '28P01':
      return `The database refused the password for this user (check the credential)`;
    case '28000':
      return `The database refused the login: ${error.message} (check the credential)`;
    case '3D000':
      return `The database ${name ?? '(unnamed)'} does not exist on ${context.where.split('/')[0]}`;
    case '40P01':
      return 'The database broke a deadlock by stopping this transaction; it can be tried again';
    case '40001':
      return 'The transaction conflicted with another one running at the same time (serialization failure); it can be tried again';
    case '53300':
      return `The database has no connection free (too many connections): ${error.message}`;
    default:
      return `${error.message}${syntaxPosition(error, context.sql)}`;
  }
}

/** `Key (sku)=(A-1) already exists.` → `a row with sku = A-1 already exists`. */
function keyDetail(detail: string | undefined): string | undefined {
  const match = /^Key \((.+)\)=\((.*)\) already exists\.$/s.exec(detail ?? '');
  return match ? `a row with ${match[1]} = ${match[2]} already exists` : undefined;
}

function syntaxPosition(error: PgError, sql: string): string {
  const position = Number(error.position);
  if (!Number.isInteger(position) || position < 1) return '';
  return ` near character ${position} ("${excerptAt(sql, position)}")`;
}

/**
 * `error` (from pg) as a NodeError or NonRetriableError saying what went wrong, with the
 * SQL state in the message and in `details`.
 */
export function describePostgresError(error: unknown, context: PostgresErrorContext): NodeError {
  if (error instanceof NodeError) return error;
  const network = networkError(error, context.where);
  if (network) return network;
  const pgError = error as PgError;
  const code = typeof pgError?.code === 'string' && /^[0-9A-Z]{5}$/.test(pgError.code) ? pgError.code : undefined;
  if (!code) {
    const message = (error as Error)?.message ?? String(error);
    if (/timeout expired|timeout exceeded when trying to connect/i.test(message)) {
      return new NodeError(`No connection to the database at ${context.where} within the time allowed (the server did not answer, or all connections of this credential are busy)`, { cause: error });
    }
    if (/Connection terminated|connection.*(ended|closed)/i.test(message)) {
      return new NodeError(`The connection to the database at ${context.where} was lost: ${message}`, { cause: error });
    }
    if (/does not support SSL|SSL/i.test(message)) {
      return new NonRetriableError(`The encrypted connection (TLS) to ${context.where} failed: ${message} (check the credential's TLS mode)`, { cause: error });
    }
    return new NodeError(`The database at ${context.where} failed: ${message}`, { cause: error });
  }
  const details: Record<string, unknown> = { sqlState: code };
  if (pgError.constraint) details.constraint = pgError.constraint;
  if (pgError.position) details.position = Number(pgError.position);
  if (code === '57014' && /statement timeout/.test(pgError.message)) return timeoutError(context.timeoutMs, error, details);
  // 55P03: a lock could not be had (NOWAIT, lock_timeout). An 08P01 about bind values is the SQL's $n not matching the values given.
  const retriable = (RETRIABLE_CLASSES.has(code.slice(0, 2)) || code === '55P03') && !(code === '08P01' && /bind message supplies/.test(pgError.message));
  const ErrorClass = retriable ? NodeError : NonRetriableError;
  return new ErrorClass(`${wording(pgError, context)} (SQL state ${code})`, { cause: error, details });
}
