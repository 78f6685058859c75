/**
 * One sandbox process as the worker sees it (a `child_process.fork` of child.ts), and the
 * calls in flight to it. The supervisor (supervisor.ts) decides what goes where and what
 * a process that goes down is blamed for.
 */
import { fork, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { log } from '../log.ts';
import { isChildMessage, type CallFailure, type ChildMessage, type ParentMessage, type SandboxCall } from './protocol.ts';

const CHILD_ENTRY = fileURLToPath(new URL('./child.ts', import.meta.url));

export class SandboxFailure extends Error {
  override name = 'SandboxFailure';
  readonly failure: CallFailure;
  constructor(failure: CallFailure, options?: { cause?: unknown }) {
    super(failure.message, options);
    this.failure = failure;
  }
}

/** A call in flight, as the supervisor tracks it. */
export interface Pending {
  id: number;
  call: SandboxCall;
  resolve(value: string): void;
  reject(error: SandboxFailure): void;
  timer?: NodeJS.Timeout;
  /** Sent again after a process it was running in stopped answering or crashed. */
  resent: boolean;
  /** This call's deadline passed: it is the reason its process was killed. */
  hung: boolean;
  /** Running when its process stopped answering: it may be what stalled it. */
  suspect?: boolean;
  /** Since when it has been running in its process (unset while it waits for an isolate). */
  runningSince?: number;
  /** The process's CPU time (from its heartbeats) when the call started. */
  cpuAtStart?: number;
}

/** Why the supervisor killed a process, which decides what its calls are blamed for (see supervisor.ts `onExit`). */
export type KillReason = 'unresponsive' | 'deadline' | 'unreadable' | 'retiring' | 'stopping';

/** One sandbox process and the calls it is serving. */
export class SandboxProcess {
  readonly child: ChildProcess;
  readonly ready: Promise<void>;
  readonly pending = new Map<number, Pending>();
  exited = false;
  isReady = false;
  /** It said it ends (guest code it cannot stop): it serves nothing more. */
  retiring = false;
  killedFor?: KillReason;
  /** When it last sent anything. */
  lastHeard = Date.now();
  /** Its CPU time as its last heartbeat said. */
  cpuMs = 0;

  readonly index: number;

  /** @param options what child.ts is started with, and how long it may take to say it is ready */
  constructor(
    index: number,
    options: { isolatesPerGroup: number; maxIsolatesPerGroup: number; startTimeoutMs: number },
    onMessage: (from: SandboxProcess, message: ChildMessage) => void,
    onExit: (from: SandboxProcess, reason: string) => void,
  ) {
    this.index = index;
    const { startTimeoutMs, ...isolates } = options;
    this.child = fork(CHILD_ENTRY, [JSON.stringify(isolates)], {
      // isolated-vm needs --no-node-snapshot; nothing of the worker's own flags is passed on.
      execArgv: ['--no-node-snapshot'],
      // Nothing of the worker's environment (DATABASE_URL, keys): were V8 ever escaped,
      // the process would hold no secret to take.
      env: {},
      serialization: 'advanced',
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
      // A process group of its own: Ctrl-C in a terminal signals the whole foreground group,
      // and the worker stops its sandbox processes itself, after its steps. Were the worker
      // killed, the process still ends: it exits when its IPC channel closes (child.ts).
      detached: true,
    });
    let markReady!: () => void;
    let failStart!: (error: Error) => void;
    this.ready = new Promise<void>((resolve, reject) => {
      markReady = resolve;
      failStart = reject;
    });
    // Nobody may be awaiting `ready` when a start fails; the rejection is handled by whoever does.
    this.ready.catch(() => undefined);
    const startTimer = setTimeout(() => {
      failStart(new Error(`a sandbox process did not start within ${startTimeoutMs} ms`));
      this.kill('unresponsive');
    }, startTimeoutMs);
    this.child.on('message', (message: unknown) => {
      this.lastHeard = Date.now();
      if (!isChildMessage(message)) {
        log.error('a sandbox process sent an unreadable message; restarting it', { pid: this.child.pid });
        this.kill('unreadable');
        return;
      }
      if (message.type === 'ready') {
        clearTimeout(startTimer);
        this.isReady = true;
        markReady();
        return;
      }
      if (message.type === 'alive') {
        this.cpuMs = message.cpuMs;
        return;
      }
      onMessage(this, message);
    });
    this.child.on('error', (error) => log.warn('sandbox process error', { pid: this.child.pid, error: error.message }));
    this.child.on('exit', (code, signal) => {
      clearTimeout(startTimer);
      this.exited = true;
      failStart(new Error(`a sandbox process exited while starting (${signal ?? `code ${code}`})`));
      onExit(this, signal ?? `exit code ${code}`);
    });
  }

  send(message: ParentMessage): boolean {
    if (this.exited || !this.child.connected) return false;
    try {
      this.child.send(message);
      return true;
    } catch (error) {
      log.warn('could not send to a sandbox process', { error: (error as Error).message });
      return false;
    }
  }

  kill(reason: KillReason): void {
    if (this.exited) return;
    this.killedFor ??= reason;
    this.child.kill('SIGKILL');
  }
}
