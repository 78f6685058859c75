/**
 * Real Junction processes for the tests that kill them: `node server/src/main.ts`,
 * exactly as `npm start` runs it, on the test's database.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('../../..', import.meta.url));

export interface JunctionProcess {
  child: ChildProcess;
  /** Everything the process wrote to stderr so far. */
  output(): string;
  /** Resolves when a line matching `pattern` appears. */
  waitFor(pattern: RegExp, timeoutMs?: number): Promise<void>;
  kill(signal?: NodeJS.Signals): Promise<void>;
}

export interface SpawnOptions {
  /**
   * Started in a process group of its own, as a shell starts a job: a test then signals
   * the whole group (`process.kill(-pid, 'SIGINT')`), as a terminal does on Ctrl-C.
   */
  ownGroup?: boolean;
}

export function spawnJunction(role: 'api' | 'worker' | 'all', env: Record<string, string>, options: SpawnOptions = {}): JunctionProcess {
  const child = spawn(process.execPath, ['--no-node-snapshot', 'server/src/main.ts', '--role', role], {
    cwd: ROOT,
    env: { ...process.env, JUNCTION_LOG_LEVEL: 'info', ...env },
    stdio: ['ignore', 'ignore', 'pipe'],
    detached: options.ownGroup ?? false,
  });
  let output = '';
  const waiters = new Set<() => void>();
  child.stderr!.on('data', (chunk: Buffer) => {
    output += chunk.toString();
    for (const check of waiters) check();
  });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  return {
    child,
    output: () => output,
    // A process starts in a few seconds; under a loaded machine (CI running test files side by side) in many more.
    waitFor(pattern, timeoutMs = 60_000) {
      return new Promise((resolve, reject) => {
        const timer = setTimeout(() => {
          waiters.delete(check);
          reject(new Error(`no line matching ${pattern} within ${timeoutMs} ms; output:\n${output}`));
        }, timeoutMs);
        const check = () => {
          if (!pattern.test(output)) return;
          clearTimeout(timer);
          waiters.delete(check);
          resolve();
        };
        waiters.add(check);
        check();
        child.once('exit', (code) => {
          if (!pattern.test(output)) {
            clearTimeout(timer);
            reject(new Error(`the process exited (${code}) before ${pattern}; output:\n${output}`));
          }
        });
      });
    },
    async kill(signal = 'SIGTERM') {
      if (child.exitCode === null && child.signalCode === null) child.kill(signal);
      await exited;
    },
  };
}
