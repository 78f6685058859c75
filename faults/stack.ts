/**
 * One scenario's Junction, as an operator would deploy it: a database of its own on the
 * suite's PostgreSQL, reached through a fault proxy; one API process and (usually) two
 * worker processes; the ERP its workflows call. Everything a scenario breaks is here,
 * and `close()` takes it all down.
 */
import { randomBytes } from 'node:crypto';
import { mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import type { Cluster } from './cluster.ts';
import { Erp } from './erp.ts';
import { freePort } from './ports.ts';
import { JunctionProcess } from './processes.ts';
import { FaultProxy } from './proxy.ts';
import type { Dice } from './random.ts';

export interface StackOptions {
  /** The scenario's id: names its database and its log folder. */
  name: string;
  cluster: Cluster;
  dice: Dice;
  /** Where the processes' logs go (a folder per scenario is made inside). */
  logDir: string;
  workers?: number;
  /** Settings for every process (JUNCTION_...), over the suite's. */
  env?: Record<string, string>;
  /** A database already migrated (see `prepareTemplate`): its copy lets every process start at once. */
  template: string;
  /** Told of the stack before its processes start, so that an interrupted suite can stop them. */
  onCreated?: (stack: Stack) => void;
}

/**
 * The suite's settings for every process. A worker is presumed dead after 3 s without a
 * heartbeat, so takeovers happen within the short form's time.
 */
export const SUITE_SETTINGS = {
  JUNCTION_HEARTBEAT_MS: '500',
  JUNCTION_DEAD_AFTER_MS: '3000',
  JUNCTION_WORKER_CONCURRENCY: '8',
  JUNCTION_SANDBOX_PROCESSES: '1',
  JUNCTION_LOG_LEVEL: 'info',
  // The ERP the workflows call listens on loopback, which Junction refuses unless allowed.
  JUNCTION_OUTBOUND_ALLOW: '127.0.0.0/8,::1',
} as const;

/**
 * Node's compile cache, shared by every process the suite starts: loading Junction's
 * modules is most of a process's start on a busy machine, and the suite starts dozens.
 */
const COMPILE_CACHE = join(tmpdir(), 'junction-faults-compile-cache');

/**
 * Makes `name` a migrated Junction database with its owner, by starting a Junction on it
 * once (`--role all`: the API's migrations and graphile-worker's schema). Scenarios'
 * databases are copies, so their processes can all start at the same time.
 */
export async function prepareTemplate(cluster: Cluster, name: string, logDir: string): Promise<void> {
  await cluster.createDatabase(name);
  const port = await freePort();
  const junction = await JunctionProcess.start({
    name: 'template',
    role: 'all',
    logFile: join(logDir, 'template.log'),
    apiUrl: `http://127.0.0.1:${port}`,
    env: {
      ...inheritedEnvironment(),
      ...SUITE_SETTINGS,
      NODE_COMPILE_CACHE: COMPILE_CACHE,
      DATABASE_URL: cluster.url(name),
      PORT: String(port),
      HOST: '127.0.0.1',
      JUNCTION_DATA_DIR: join(logDir, 'template-data'),
      JUNCTION_ENCRYPTION_KEY: randomBytes(32).toString('base64'),
      JUNCTION_OWNER_EMAIL: OWNER_EMAIL,
      JUNCTION_OWNER_PASSWORD: randomBytes(18).toString('base64url'),
    },
  });
  await junction.kill('SIGTERM');
  if (junction.exit?.code !== 0) throw new Error(`the Junction that prepared the template database stopped badly (${junction.exit?.signal ?? junction.exit?.code}):\n${junction.tail(20)}`);
}

const OWNER_EMAIL = 'faults@junction.test';

/** The suite's environment without any Junction setting or database of the shell it was started from. */
function inheritedEnvironment(): NodeJS.ProcessEnv {
  return Object.fromEntries(Object.entries(process.env).filter(([name]) => !name.startsWith('JUNCTION_') && name !== 'DATABASE_URL' && name !== 'PORT' && name !== 'HOST'));
}

export class Stack {
  readonly name: string;
  readonly database: string;
  readonly proxy: FaultProxy;
  readonly erp: Erp;
  /** Straight to PostgreSQL, for the checks (never through the proxy). */
  readonly db: pg.Pool;
  readonly apiUrl: string;
  readonly apiKey: string;
  readonly logDir: string;
  api: JunctionProcess;
  /** The worker processes that are ready and not stopped (or killed). */
  workers: JunctionProcess[] = [];
  /** Every process this stack ever started, in order. */
  readonly processes: JunctionProcess[] = [];
  private readonly env: NodeJS.ProcessEnv;
  private readonly apiPort: number;
  private workerCount = 0;
  private apiCount = 0;

  private constructor(fields: { name: string; database: string; proxy: FaultProxy; erp: Erp; db: pg.Pool; apiPort: number; apiKey: string; logDir: string; env: NodeJS.ProcessEnv }) {
    this.name = fields.name;
    this.database = fields.database;
    this.proxy = fields.proxy;
    this.erp = fields.erp;
    this.db = fields.db;
    this.apiPort = fields.apiPort;
    this.apiUrl = `http://127.0.0.1:${fields.apiPort}`;
    this.apiKey = fields.apiKey;
    this.logDir = fields.logDir;
    this.env = fields.env;
    this.api = null as unknown as JunctionProcess; // set by start() before anyone reads it
  }

  static async start(options: StackOptions): Promise<Stack> {
    const database = `faults_${options.name.replace(/[^a-z0-9]+/gi, '_').toLowerCase()}`;
    await options.cluster.createDatabase(database, options.template);
    const proxy = await FaultProxy.start({ host: '127.0.0.1', port: options.cluster.port }, options.dice.fork());
    const erp = await Erp.start(options.dice.fork());
    const db = new pg.Pool({ connectionString: options.cluster.url(database), max: 4, application_name: 'junction-faults' });
    // A restart of PostgreSQL cuts these too; the next check reconnects.
    db.on('error', () => undefined);
    const logDir = join(options.logDir, options.name);
    mkdirSync(logDir, { recursive: true });
    const apiPort = await freePort();
    const apiKey = `jct_faults_${randomBytes(24).toString('base64url')}`;
    const env: NodeJS.ProcessEnv = {
      ...inheritedEnvironment(),
      ...SUITE_SETTINGS,
      ...options.env,
      NODE_COMPILE_CACHE: COMPILE_CACHE,
      DATABASE_URL: proxy.url(database),
      PORT: String(apiPort),
      HOST: '127.0.0.1',
      JUNCTION_DATA_DIR: join(logDir, 'data'),
      JUNCTION_ENCRYPTION_KEY: randomBytes(32).toString('base64'),
      // The owner is in the template; the key is added for it at start.
      JUNCTION_BOOTSTRAP_API_KEY: apiKey,
    };
    const stack = new Stack({ name: options.name, database, proxy, erp, db, apiPort, apiKey, logDir, env });
    options.onCreated?.(stack);
    try {
      const starting = await Promise.allSettled([stack.startApi(), ...Array.from({ length: options.workers ?? 2 }, () => stack.startWorker())]);
      const failed = starting.find((result) => result.status === 'rejected');
      if (failed) throw failed.reason;
    } catch (error) {
      await stack.close();
      throw error;
    }
    return stack;
  }

  /** Starts an API process on the stack's port (a restarted API keeps its address). */
  async startApi(): Promise<JunctionProcess> {
    const name = this.apiCount++ === 0 ? 'api' : `api-${this.apiCount}`;
    const started = JunctionProcess.spawn({ name, role: 'api', env: this.env, apiUrl: this.apiUrl, logFile: join(this.logDir, 'api.log') });
    this.processes.push(started);
    this.api = started;
    return started.untilReady();
  }

  /** Starts one more worker process ("worker-N") and waits until it takes runs. */
  async startWorker(): Promise<JunctionProcess> {
    const name = `worker-${++this.workerCount}`;
    const started = JunctionProcess.spawn({ name, role: 'worker', env: this.env, logFile: join(this.logDir, `${name}.log`) });
    this.processes.push(started);
    await started.untilReady();
    this.workers.push(started);
    return started;
  }

  /** Ends a worker with `signal` and forgets it (a paused one is let go on first, so SIGTERM can reach it). */
  async stopWorker(worker: JunctionProcess, signal: 'SIGKILL' | 'SIGTERM'): Promise<void> {
    this.workers = this.workers.filter((w) => w !== worker);
    worker.resume();
    await worker.kill(signal);
  }

  /** A request to the API with the owner's key; throws with the answer unless it is 2xx. */
  async call<T>(method: string, path: string, body?: unknown): Promise<T> {
    const response = await fetch(`${this.apiUrl}${path}`, {
      method,
      headers: { authorization: `Bearer ${this.apiKey}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
      body: body === undefined ? undefined : JSON.stringify(body),
      signal: AbortSignal.timeout(30_000),
    });
    const text = await response.text();
    if (!response.ok) throw new Error(`${method} ${path} answered ${response.status}: ${text.slice(0, 500)}`);
    return (text ? JSON.parse(text) : undefined) as T;
  }

  /** Stops every process (SIGKILL: the scenario is over, nothing of theirs is checked any more) and the rest. */
  async close(): Promise<void> {
    await Promise.all(this.processes.map((p) => (p.resume(), p.kill('SIGKILL'))));
    await Promise.allSettled([this.proxy.close(), this.erp.close(), this.db.end()]);
  }
}
