/**
 * What every benchmark scenario needs: a fresh database on a real PostgreSQL, a real
 * Junction process on it (`node server/src/main.ts`, as `npm start` runs it), the
 * database's commit counter, the machine's description, and a place for results.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import pg from 'pg';
import os from 'node:os';
import { fileURLToPath } from 'node:url';

export const ROOT = fileURLToPath(new URL('..', import.meta.url));
export const RESULTS_DIR = fileURLToPath(new URL('results/', import.meta.url));
const LOCAL_ADMIN_URL = 'postgres://postgres@127.0.0.1:5432/postgres';

// ---------------------------------------------------------------------------------------
// Scenarios.

export interface ScenarioOptions {
  /** Seconds of measured load. */
  duration: number;
  connections: number;
  /** Seconds of load before the measured window (not counted). */
  warmup: number;
  /** Write a V8 CPU profile of the Junction process into bench/results/. */
  cpuProf: boolean;
  /** Count the SQL statements the Junction process sends during the measured window. */
  countQueries: boolean;
  /** B7: how many runs wait at once. */
  waiting: number;
  /** B7: how many times the windows without and with waiting runs alternate. */
  rounds: number;
  /** B8: how many items the run carries. */
  items: number;
}

export interface ScenarioResult {
  /** The readable block to print. */
  report: string;
  /** Everything measured, for bench/results/<scenario>-<timestamp>.json. */
  data: Record<string, unknown>;
}

/**
 * What must happen even when the bench is interrupted (Ctrl-C): stop the Junction child,
 * drop the database. Newest first; each entry removes itself once done.
 */
const cleanups = new Set<() => Promise<unknown>>();

export async function cleanUp(): Promise<void> {
  for (const cleanup of [...cleanups].reverse()) await cleanup().catch(() => undefined /* best effort on the way out */);
}

// ---------------------------------------------------------------------------------------
// PostgreSQL.

export type PgClient = pg.Client;

export async function connect(url: string): Promise<PgClient> {
  const client = new pg.Client({ connectionString: url, application_name: 'junction-bench' });
  // A connection cut by the database's drop (after Ctrl-C) is expected; queries still report errors.
  client.on('error', () => undefined);
  await client.connect();
  const end = client.end.bind(client);
  let closing: Promise<void> | null = null;
  const close = () => {
    cleanups.delete(close);
    return (closing ??= end());
  };
  cleanups.add(close);
  client.end = close;
  return client;
}

/** The PostgreSQL the bench may create databases on: BENCH_DATABASE_URL, else the local one. */
export function adminUrl(): string {
  return process.env.BENCH_DATABASE_URL ?? LOCAL_ADMIN_URL;
}

export function withDatabase(url: string, database: string): string {
  const parsed = new URL(url);
  parsed.pathname = `/${database}`;
  return parsed.toString();
}

export const redact = (url: string): string => url.replace(/:[^:@/]*@/, ':***@');

export interface BenchDatabase {
  name: string;
  url: string;
  /** An admin connection, on the admin database: the bench's own queries do not count against `name`. */
  admin: PgClient;
  serverVersion: string;
  drop(): Promise<void>;
}

export async function createDatabase(prefix: string): Promise<BenchDatabase> {
  const admin = await connect(adminUrl()).catch((error: Error) => {
    throw new Error(`The benchmark needs PostgreSQL and none answers at ${redact(adminUrl())} (${error.message}); set BENCH_DATABASE_URL`);
  });
  const name = `${prefix}_${process.pid}_${Date.now().toString(36)}`;
  await admin.query(`create database "${name}"`);
  const { rows } = await admin.query<{ server_version: string }>('show server_version');
  let dropped = false;
  const drop = async () => {
    if (dropped) return;
    dropped = true;
    cleanups.delete(drop);
    try {
      await admin.query(`drop database if exists "${name}" with (force)`);
    } finally {
      await admin.end();
    }
  };
  cleanups.add(drop);
  return { name, url: withDatabase(adminUrl(), name), admin, serverVersion: rows[0]!.server_version, drop };
}

export interface Counters {
  /** Committed transactions of the database (`pg_stat_database.xact_commit`), read-only ones included. */
  xactCommit: number;
  /** Transaction ids handed out so far, cluster-wide: transactions that wrote something, in any database. */
  nextXid: number;
  /** Commits in the server's other databases: anything else that ran on this PostgreSQL meanwhile. */
  otherCommits: number;
}

/**
 * Reads the database's counters. PostgreSQL (15+) backends flush their statistics at most
 * once a second while busy and within 10 s of going idle, so read this only after the
 * load has been idle for a while (`STATS_SETTLE_MS`).
 */
export async function readCounters(db: BenchDatabase): Promise<Counters> {
  const { rows } = await db.admin.query<{ xact_commit: string; other: string; next_xid: string }>(
    `select
       (select xact_commit from pg_stat_database where datname = $1)::text as xact_commit,
       (select sum(xact_commit) from pg_stat_database where datname is distinct from $1 and datname <> current_database())::text as other,
       pg_snapshot_xmax(pg_current_snapshot())::text as next_xid`,
    [db.name],
  );
  const row = rows[0]!;
  return { xactCommit: Number(row.xact_commit), nextXid: Number(row.next_xid), otherCommits: Number(row.other ?? 0) };
}

/** PostgreSQL's PGSTAT_IDLE_INTERVAL (10 s) plus a margin: by then idle backends have flushed their counts. */
export const STATS_SETTLE_MS = 11_000;

// ---------------------------------------------------------------------------------------
// The Junction process.

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

export interface JunctionChild {
  url: string;
  child: ChildProcess;
  /** What the process wrote to stderr (its warnings and errors). */
  output(): string;
  /** SIGINT, then waits for it to exit (SIGKILL after `timeoutMs`). */
  stop(timeoutMs?: number): Promise<number | string | null>;
}

export interface StartOptions {
  databaseUrl: string;
  /** Its `--role` (default all). A worker serves no HTTP: `ready` says when it has started. */
  role?: 'api' | 'worker' | 'all';
  /** Resolves true once the process is ready (default: GET /api/health answers). */
  ready?: () => Promise<boolean>;
  /** Extra `node` flags for the child, e.g. `--cpu-prof`. */
  nodeArgs?: string[];
  env?: Record<string, string>;
  /** How long to wait for GET /api/health to answer. */
  readyTimeoutMs?: number;
}

/** The owner's API key of every Junction the bench starts (bootstrapped from the environment). */
export const BENCH_API_KEY = `jct_bench_${randomBytes(24).toString('base64url')}`;
/** The owner of every Junction the bench starts, for a browser that signs in (B6). */
export const BENCH_OWNER = { email: 'bench@junction.test', password: randomBytes(18).toString('base64url') };

export async function startJunction(options: StartOptions): Promise<JunctionChild> {
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const child = spawn(
    process.execPath,
    ['--no-node-snapshot', ...(options.nodeArgs ?? []), 'server/src/main.ts', '--role', options.role ?? 'all'],
    {
      cwd: ROOT,
      env: {
        ...process.env,
        JUNCTION_LOG_LEVEL: 'warn',
        JUNCTION_OWNER_EMAIL: BENCH_OWNER.email,
        JUNCTION_OWNER_PASSWORD: BENCH_OWNER.password,
        JUNCTION_BOOTSTRAP_API_KEY: BENCH_API_KEY,
        JUNCTION_ENCRYPTION_KEY: randomBytes(32).toString('base64'),
        // The systems the scenarios call are stubs on loopback, which Junction refuses unless allowed.
        JUNCTION_OUTBOUND_ALLOW: '127.0.0.0/8,::1',
        ...options.env,
        DATABASE_URL: options.databaseUrl,
        PORT: String(port),
        HOST: '127.0.0.1',
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  let output = '';
  const collect = (chunk: Buffer) => {
    output += chunk.toString();
    if (output.length > 1_000_000) output = output.slice(-500_000);
  };
  child.stdout!.on('data', collect);
  child.stderr!.on('data', collect);
  const exited = new Promise<number | string | null>((resolve) => child.once('exit', (code, signal) => resolve(code ?? signal)));

  const stop = async (timeoutMs = 30_000) => {
    cleanups.delete(stop);
    if (child.exitCode !== null || child.signalCode !== null) return child.exitCode ?? child.signalCode;
    child.kill('SIGINT');
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    try {
      return await exited;
    } finally {
      clearTimeout(timer);
    }
  };
  cleanups.add(stop);

  const deadline = Date.now() + (options.readyTimeoutMs ?? 60_000);
  let exitedEarly: number | string | null | undefined;
  void exited.then((code) => (exitedEarly = code));
  for (;;) {
    if (exitedEarly !== undefined) throw new Error(`Junction exited (${exitedEarly}) before it was ready:\n${output}`);
    try {
      if (options.ready ? await options.ready() : (await fetch(`${url}/api/health`, { signal: AbortSignal.timeout(2000) })).ok) break;
    } catch {
      // Not listening yet: try again until the deadline.
    }
    if (Date.now() > deadline) {
      await stop(5000);
      throw new Error(`Junction was not ready within ${options.readyTimeoutMs ?? 60_000} ms:\n${output}`);
    }
    await sleep(100);
  }
  return { url, child, output: () => output, stop };
}

/** A JSON request to the Junction API; throws with the answer when the status is not 2xx. */
export async function api<T>(baseUrl: string, method: string, path: string, body?: unknown): Promise<T> {
  const response = await fetch(`${baseUrl}${path}`, {
    method,
    headers: { authorization: `Bearer ${BENCH_API_KEY}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await response.text();
  if (!response.ok) throw new Error(`${method} ${path} answered ${response.status}: ${text}`);
  return (text ? JSON.parse(text) : undefined) as T;
}

// ---------------------------------------------------------------------------------------
// Where the CPU went (Linux: /proc), so a figure can be read against what else ran.

export type CpuGroup = 'postgres (bench database)' | 'postgres (other)' | 'junction' | 'bench + autocannon' | 'other processes';

export interface CpuSnapshot {
  at: number;
  /** Busy and idle clock ticks of the whole machine, all CPUs. */
  busy: number;
  idle: number;
  /** Clock ticks (user + system, all threads) of each process, with its group. */
  processes: Map<number, { ticks: number; group: CpuGroup }>;
}

export interface CpuUse {
  /** Per group, and for the machine: share of one core, in percent (200 = two cores busy). */
  percentOfOneCore: Record<CpuGroup | 'interrupts, exited processes' | 'idle', number>;
  cores: number;
}

const readText = (path: string): string | null => {
  try {
    return readFileSync(path, 'utf8');
  } catch {
    return null; // the process ended meanwhile, or this is not Linux
  }
};

export function cpuSnapshot(classify: (pid: number, command: string) => CpuGroup): CpuSnapshot | null {
  const stat = readText('/proc/stat');
  if (!stat) return null;
  const cpu = stat.split('\n')[0]!.trim().split(/\s+/).slice(1).map(Number);
  const idle = (cpu[3] ?? 0) + (cpu[4] ?? 0);
  const busy = cpu.slice(0, 8).reduce((sum, value) => sum + value, 0) - idle;
  const processes = new Map<number, { ticks: number; group: CpuGroup }>();
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    const pid = Number(entry);
    const text = readText(`/proc/${pid}/stat`);
    const command = readText(`/proc/${pid}/cmdline`)?.replaceAll('\0', ' ').trim();
    if (!text || command === undefined) continue;
    const fields = text.slice(text.lastIndexOf(')') + 2).split(' ');
    processes.set(pid, { ticks: Number(fields[11]) + Number(fields[12]), group: classify(pid, command) });
  }
  return { at: Date.now(), busy, idle, processes };
}

export function cpuUse(before: CpuSnapshot | null, after: CpuSnapshot | null): CpuUse | null {
  if (!before || !after) return null;
  const cores = os.cpus().length;
  const elapsedTicks = (after.busy + after.idle - before.busy - before.idle) / cores;
  const percent = (ticks: number) => Math.round((ticks / elapsedTicks) * 1000) / 10;
  const groups: Record<CpuGroup, number> = {
    'postgres (bench database)': 0,
    'postgres (other)': 0,
    junction: 0,
    'bench + autocannon': 0,
    'other processes': 0,
  };
  for (const [pid, { ticks, group }] of after.processes) {
    groups[group] += ticks - (before.processes.get(pid)?.ticks ?? 0);
  }
  const attributed = Object.values(groups).reduce((sum, ticks) => sum + ticks, 0);
  const percentOfOneCore = Object.fromEntries(Object.entries(groups).map(([group, ticks]) => [group, percent(ticks)])) as CpuUse['percentOfOneCore'];
  percentOfOneCore['interrupts, exited processes'] = percent(Math.max(0, after.busy - before.busy - attributed));
  percentOfOneCore.idle = percent(after.idle - before.idle);
  return { percentOfOneCore, cores };
}

/** Resident memory of a process in MiB (Linux), or null; `peak`: the most it has had since it started (VmHWM). */
export function rssMiB(pid: number | undefined, peak = false): number | null {
  if (pid === undefined) return null;
  const kib = new RegExp(`^${peak ? 'VmHWM' : 'VmRSS'}:\\s+(\\d+) kB`, 'm').exec(readText(`/proc/${pid}/status`) ?? '')?.[1];
  return kib ? Math.round(Number(kib) / 102.4) / 10 : null;
}

/** The processes a process started (Linux), e.g. a worker's sandbox processes. */
export function childPids(pid: number | undefined): number[] {
  if (pid === undefined) return [];
  const tasks = readText(`/proc/${pid}/task/${pid}/children`) ?? '';
  return tasks.trim() ? tasks.trim().split(/\s+/).map(Number) : [];
}

/** Groups the processes of a bench: its own, the Junction child, PostgreSQL's. */
export function benchClassifier(junctionPid: number | undefined, databaseName: string) {
  return (pid: number, command: string): CpuGroup => {
    if (pid === process.pid) return 'bench + autocannon';
    if (pid === junctionPid) return 'junction';
    if (command.startsWith('postgres')) return command.includes(` ${databaseName} `) ? 'postgres (bench database)' : 'postgres (other)';
    return 'other processes';
  };
}

export function formatCpu(use: CpuUse | null): string {
  if (!use) return 'n/a (no /proc)';
  return Object.entries(use.percentOfOneCore)
    .filter(([, value]) => value >= 0.5)
    .map(([group, value]) => `${group} ${value}%`)
    .join(', ') + ` (of one core; ${use.cores} cores = ${use.cores * 100}%)`;
}

// ---------------------------------------------------------------------------------------
// The machine and the results.

export interface Machine {
  cpu: string;
  cpus: number;
  memoryGiB: number;
  node: string;
  postgres: string;
  os: string;
}

function distribution(): string | null {
  try {
    const release = readFileSync('/etc/os-release', 'utf8');
    return /^PRETTY_NAME="?([^"\n]*)"?$/m.exec(release)?.[1] ?? null;
  } catch {
    return null; // not Linux, or no os-release: os.type() says enough
  }
}

export function machine(postgresVersion: string): Machine {
  const cpus = os.cpus();
  const models = [...new Set(cpus.map((cpu) => cpu.model.trim().replace(/\s+/g, ' ')))];
  const distro = distribution();
  return {
    cpu: models.join(' + ') || 'unknown CPU',
    cpus: cpus.length,
    memoryGiB: Math.round((os.totalmem() / 2 ** 30) * 10) / 10,
    node: process.version,
    postgres: postgresVersion,
    os: `${os.type()} ${os.release()} ${os.arch()}${distro ? ` (${distro})` : ''}`,
  };
}

export function machineLine(m: Machine): string {
  return `${m.cpus} × ${m.cpu}, ${m.memoryGiB} GiB RAM, Node ${m.node}, PostgreSQL ${m.postgres}, ${m.os}`;
}

/** Writes `bench/results/<scenario>-<timestamp>.json` and returns its path. */
export function writeResults(scenario: string, data: unknown): string {
  mkdirSync(RESULTS_DIR, { recursive: true });
  const stamp = new Date().toISOString().replace(/[:.]/g, '-');
  const path = `${RESULTS_DIR}${scenario}-${stamp}.json`;
  writeFileSync(path, `${JSON.stringify(data, null, 2)}\n`);
  return path;
}

export const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));
