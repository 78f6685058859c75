/**
 * Junction's log: one line per event on stderr, `level message {data}`. Secrets never go
 * in here: log ids and counts, not request bodies or headers.
 */
import { DrizzleQueryError } from 'drizzle-orm';
import { Logger as GraphileLogger } from 'graphile-worker';

export type LogLevel = 'debug' | 'info' | 'warn' | 'error';
const ORDER: Record<LogLevel, number> = { debug: 10, info: 20, warn: 30, error: 40 };

export interface Log {
  debug(message: string, data?: Record<string, unknown>): void;
  info(message: string, data?: Record<string, unknown>): void;
  warn(message: string, data?: Record<string, unknown>): void;
  error(message: string, data?: Record<string, unknown>): void;
}

let threshold = ORDER.info;

export function setLogLevel(level: LogLevel): void {
  threshold = ORDER[level];
}

function write(level: LogLevel, message: string, data?: Record<string, unknown>): void {
  if (ORDER[level] < threshold) return;
  const time = new Date().toISOString();
  process.stderr.write(`${time} ${level.padEnd(5)} ${message}${data ? ` ${JSON.stringify(data)}` : ''}\n`);
}

export const log: Log = {
  debug: (m, d) => write('debug', m, d),
  info: (m, d) => write('info', m, d),
  warn: (m, d) => write('warn', m, d),
  error: (m, d) => write('error', m, d),
};

/** graphile-worker's messages, routed into Junction's log one level lower (it is chatty). */
export const graphileLogger = new GraphileLogger(() => (level, message) => {
  if (level === 'error') write('error', `graphile-worker: ${message}`);
  else if (level === 'warning') write('warn', `graphile-worker: ${message}`);
  else write('debug', `graphile-worker: ${message}`);
});

/**
 * What the log may say of an unexpected error. drizzle's query errors quote the statement
 * and its parameters (a name, a variable's value, a password hash): the log gets the
 * database's own message and the statement, never the values.
 */
export function describeError(error: unknown): string {
  if (!(error instanceof Error)) return String(error);
  if (error instanceof DrizzleQueryError) {
    return `${error.cause instanceof Error ? error.cause.message : 'the database refused the query'} (in ${error.query.slice(0, 300)})`;
  }
  return error.message;
}
