/**
 * Preloaded into the Junction process by `--count-queries` (`node --import`): counts the
 * SQL statements every pg client of the process sends — drizzle's, graphile-worker's,
 * the runtime's — by statement, with the time each took from send to answer, and how
 * long callers waited for a pool connection. Writes it all to BENCH_QUERY_COUNTS when
 * the process exits. SIGUSR2 starts the count again (the bench sends it when the
 * measured window starts). A profiling aid: it changes nothing the statements do.
 */
import { writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { performance } from 'node:perf_hooks';

interface QueryConfig {
  name?: string;
  text?: string;
}
type Method = (this: unknown, ...args: unknown[]) => unknown;
interface PgModule {
  Client: { prototype: { query: Method } };
  Pool: { prototype: { connect: Method } };
}

const pg = createRequire(new URL('../server/package.json', import.meta.url))('pg') as PgModule;
const stats = new Map<string, { count: number; ms: number }>();
const acquire = { count: 0, ms: 0, maxMs: 0 };
let since = Date.now();

function keyOf(query: unknown): string {
  if (typeof query === 'string') return query.replace(/\s+/g, ' ').trim().slice(0, 160);
  const config = query as QueryConfig | null;
  if (config?.name) return `[${config.name}]`;
  if (typeof config?.text === 'string') return config.text.replace(/\s+/g, ' ').trim().slice(0, 160);
  return '(unknown)';
}

function record(key: string, started: number): void {
  const entry = stats.get(key) ?? { count: 0, ms: 0 };
  entry.count++;
  entry.ms += performance.now() - started;
  stats.set(key, entry);
}

const query = pg.Client.prototype.query;
pg.Client.prototype.query = function (this: unknown, ...args: unknown[]) {
  const key = keyOf(args[0]);
  const started = performance.now();
  const callbackAt = args.findIndex((arg) => typeof arg === 'function');
  if (callbackAt >= 0) {
    const callback = args[callbackAt] as (...results: unknown[]) => void;
    args[callbackAt] = (...results: unknown[]) => {
      record(key, started);
      callback(...results);
    };
    return query.apply(this, args);
  }
  const result = query.apply(this, args);
  if (result && typeof (result as Promise<unknown>).then === 'function') {
    (result as Promise<unknown>).then(
      () => record(key, started),
      () => record(key, started),
    );
  } else {
    record(key, started); // a Submittable (cursor, stream): counted, not timed
  }
  return result;
};

const connect = pg.Pool.prototype.connect;
pg.Pool.prototype.connect = function (this: unknown, ...args: unknown[]) {
  const started = performance.now();
  const done = () => {
    const ms = performance.now() - started;
    acquire.count++;
    acquire.ms += ms;
    acquire.maxMs = Math.max(acquire.maxMs, ms);
  };
  const callback = args[0];
  if (typeof callback === 'function') {
    return connect.call(this, (...results: unknown[]) => {
      done();
      (callback as (...r: unknown[]) => void)(...results);
    });
  }
  const result = connect.apply(this, args) as Promise<unknown>;
  result.then(done, done);
  return result;
};

process.on('SIGUSR2', () => {
  stats.clear();
  Object.assign(acquire, { count: 0, ms: 0, maxMs: 0 });
  since = Date.now();
});

process.on('exit', () => {
  const path = process.env.BENCH_QUERY_COUNTS;
  if (!path) return;
  const statements = [...stats]
    .sort((a, b) => b[1].count - a[1].count)
    .map(([statement, { count, ms }]) => ({ statement, count, meanMs: Math.round((ms / count) * 100) / 100 }));
  const pool = { acquisitions: acquire.count, meanWaitMs: Math.round((acquire.ms / Math.max(1, acquire.count)) * 100) / 100, maxWaitMs: Math.round(acquire.maxMs) };
  writeFileSync(path, `${JSON.stringify({ since: new Date(since).toISOString(), until: new Date().toISOString(), pool, statements }, null, 2)}\n`);
});
