/**
 * What the two dialects' error wordings share: failed connections in plain words, and a
 * piece of the SQL around where the database stopped reading it. The wording of each
 * dialect's own errors is in postgres-errors.ts and mysql-errors.ts.
 *
 * Messages name the server (host:port) and the SQL state or error number, never a
 * password: they end up in run history.
 */
import { NodeError } from '../../sdk/index.ts';

/** What the system errors of a failed connection mean, for people (the code stays beside it). */
const NETWORK_FAILURES: Partial<Record<string, string>> = {
  ECONNREFUSED: 'nothing answers on that port (is the database running, and are the host and port right?)',
  ENOTFOUND: 'no such host name (check the host for typos)',
  EAI_AGAIN: 'the host name could not be looked up just now (DNS)',
  ECONNRESET: 'the connection was cut off by the other side',
  EPIPE: 'the connection was cut off by the other side',
  ETIMEDOUT: 'the connection timed out',
  EHOSTUNREACH: 'the host cannot be reached from this server (network or firewall)',
  ENETUNREACH: 'the network cannot be reached from this server',
};

/** A failed connection in words, retriable (the database may be back soon); undefined when `error` is something else. */
export function networkError(error: unknown, where: string): NodeError | undefined {
  const code = (error as { code?: unknown })?.code;
  if (typeof code !== 'string') return undefined;
  const why = NETWORK_FAILURES[code];
  if (!why) return undefined;
  return new NodeError(`Could not reach the database at ${where}: ${why} (${code})`, { cause: error, details: { code } });
}

const AROUND = 20;

/**
 * The SQL around character `position` (counted from 1, as PostgreSQL does), on one
 * line: `…from orders wher e id = 1…`.
 */
export function excerptAt(sql: string, position: number): string {
  const chars = [...sql];
  const at = Math.min(Math.max(position - 1, 0), chars.length);
  const start = Math.max(0, at - AROUND);
  const end = Math.min(chars.length, at + AROUND);
  const text = chars.slice(start, end).join('').replace(/\s+/g, ' ');
  return `${start > 0 ? '…' : ''}${text}${end < chars.length ? '…' : ''}`;
}

/** A statement stopped by the time limit: retriable, the database may be less busy next time. */
export function timeoutError(timeoutMs: number, cause: unknown, details: Record<string, unknown>): NodeError {
  return new NodeError(`The statement ran longer than the time limit of ${timeoutMs / 1000} s and was stopped`, { cause, details });
}
