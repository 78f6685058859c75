/**
 * Real Junction processes, started as an operator starts them:
 * `node --no-node-snapshot server/src/main.ts --role api|worker|all`, configured by the
 * environment. Each one's log (stderr) is kept in memory and written to a file, and the
 * suite can signal it: SIGKILL, SIGTERM, SIGSTOP / SIGCONT.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { createWriteStream, type WriteStream } from 'node:fs';
import { fileURLToPath } from 'node:url';

export const ROOT = fileURLToPath(new URL('..', import.meta.url));

export type Role = 'api' | 'worker' | 'all';

export interface ProcessOptions {
  /** A name for the report and the log file: "api", "worker-3". */
  name: string;
  role: Role;
  /** The whole environment of the process (nothing is inherited). */
  env: NodeJS.ProcessEnv;
  /** Where its log goes (appended). */
  logFile: string;
  /** The API's address, for roles that serve it (readiness is GET /api/health). */
  apiUrl?: string;
}

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

export class JunctionProcess {
  readonly name: string;
  readonly role: Role;
  readonly child: ChildProcess;
  /** The worker's id in `worker_processes` (its lease owner), once it has logged it. */
  workerId: string | null = null;
  readonly startedAt = Date.now();
  /** When it became ready, and how it ended. */
  readyAt: number | null = null;
  exit: { code: number | null; signal: NodeJS.Signals | null; at: number } | null = null;
  private lines: string[] = [];
  private partial = '';
  private readonly log: WriteStream;
  private readonly exited: Promise<void>;
  private readonly apiUrl: string | undefined;

  private constructor(options: ProcessOptions) {
    this.name = options.name;
    this.role = options.role;
    this.apiUrl = options.apiUrl;
    this.log = createWriteStream(options.logFile, { flags: 'a' });
    this.child = spawn(process.execPath, ['--no-node-snapshot', 'server/src/main.ts', '--role', options.role], {
      cwd: ROOT,
      env: options.env,
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    this.log.write(`--- ${new Date().toISOString()} ${options.name} (--role ${options.role}) pid ${this.child.pid}\n`);
    this.child.stderr!.on('data', (chunk: Buffer) => {
      this.log.write(chunk);
      const text = this.partial + chunk.toString();
      const lines = text.split('\n');
      this.partial = lines.pop() ?? '';
      for (const line of lines) this.line(line);
    });
    this.exited = new Promise((resolve) =>
      this.child.once('exit', (code, signal) => {
        this.exit = { code, signal, at: Date.now() };
        this.log.end(`--- ${new Date().toISOString()} exited (${signal ?? code})\n`);
        resolve();
      }),
    );
  }

  private line(line: string): void {
    this.lines.push(line);
    // Keep memory bounded on the long form: the file has everything.
    if (this.lines.length > 20_000) this.lines = this.lines.slice(-10_000);
    const started = /worker started \{"processId":"([^"]+)"/.exec(line);
    if (started) this.workerId = started[1]!;
  }

  /** Starts a process (see `untilReady`). */
  static spawn(options: ProcessOptions): JunctionProcess {
    return new JunctionProcess(options);
  }

  /** Starts a process and waits until it is ready. */
  static async start(options: ProcessOptions, timeoutMs?: number): Promise<JunctionProcess> {
    return JunctionProcess.spawn(options).untilReady(timeoutMs);
  }

  /** Waits until the API answers /api/health, or the worker has logged "worker started"; a process that is not ready in time is killed. */
  async untilReady(timeoutMs = 90_000): Promise<JunctionProcess> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      if (this.exit) throw new Error(`${this.name} exited (${this.exit.signal ?? this.exit.code}) before it was ready:\n${this.tail(30)}`);
      if (await this.ready()) break;
      if (Date.now() > deadline) {
        await this.kill('SIGKILL');
        throw new Error(`${this.name} was not ready within ${timeoutMs} ms:\n${this.tail(30)}`);
      }
      await sleep(50);
    }
    this.readyAt = Date.now();
    return this;
  }

  private async ready(): Promise<boolean> {
    const workerReady = this.role === 'api' || this.workerId !== null;
    if (!workerReady) return false;
    if (this.role === 'worker') return true;
    try {
      const response = await fetch(`${this.apiUrl}/api/health`, { signal: AbortSignal.timeout(1000) });
      await response.arrayBuffer();
      return response.ok;
    } catch {
      return false; // not listening yet
    }
  }

  get pid(): number {
    return this.child.pid!;
  }

  get alive(): boolean {
    return this.exit === null;
  }

  /** Sends a signal and, for those that end a process, waits for the exit (SIGKILL after `graceMs`). */
  async kill(signal: 'SIGKILL' | 'SIGTERM' | 'SIGINT', graceMs = 30_000): Promise<void> {
    if (!this.alive) return;
    this.child.kill(signal);
    const timer = signal === 'SIGKILL' ? null : setTimeout(() => this.child.kill('SIGKILL'), graceMs);
    await this.exited;
    if (timer) clearTimeout(timer);
  }

  /** SIGSTOP: the process is frozen, its connections and locks held, its heartbeat silent. */
  pause(): void {
    if (this.alive) this.child.kill('SIGSTOP');
  }

  resume(): void {
    if (this.alive) this.child.kill('SIGCONT');
  }

  /** Log lines so far (the last 10,000 at most). */
  output(): string[] {
    return this.lines;
  }

  tail(count: number): string {
    return this.lines.slice(-count).join('\n');
  }
}
