/**
 * The worker's side of the sandbox: a few sandbox processes (sandbox-process.ts), and
 * which of them each call goes to.
 *
 * Every call's promise settles: with the answer, or with a CallFailure when the call hit
 * a limit, the process serving it died or hung, or it sent something unreadable.
 *
 * Blame follows the call that was running. A sandbox process enforces its calls' limits
 * itself and answers for them; one whose guest code cannot be stopped names that call,
 * and ends (`retiring`). The other calls a process that goes down was serving are sent
 * to its replacement (they are pure: no effect happens twice) and are not held against
 * them: only a call that was running when its process stopped answering, or that was
 * caught in a crash (a V8 abort), has that counted, and a second time fails it. Deadlines
 * here are a backstop, in wall time on a machine that may be busy: see `arm`.
 *
 * A run's calls go to the process where its context lives, unless that process is busy
 * with a long call and another is not: then the run moves (its context is only a cache).
 * A call whose signal aborts (the run was cancelled) is failed at once and its process
 * told to stop it.
 */
import { log } from '../log.ts';
import { callBudgetMs, HEARTBEAT_MS, type CallFailure, type ChildMessage, type SandboxCall } from './protocol.ts';
import { SandboxFailure, SandboxProcess, type Pending } from './sandbox-process.ts';
import { assertSandboxRuntime } from './version.ts';

export { SandboxFailure } from './sandbox-process.ts';

/** A process with calls in flight that has said nothing (not even its heartbeat) for this long is hung. */
const UNRESPONSIVE_MS = 10 * HEARTBEAT_MS;
/** A process running a call for longer than this counts as busy: runs move from it to one that is not. */
const BUSY_AFTER_MS = 50;
const CANCELLED: CallFailure = { kind: 'cancelled', message: 'was cancelled' };
/** A call past its deadline in a process that has been starved of CPU all along is failed as busy past this many deadlines. */
const STARVED_DEADLINES = 3;

export interface SupervisorOptions {
  processes: number;
  isolatesPerProcess: number;
  /** How many isolates (per memory limit) a process may grow to while all are busy; default 8. */
  maxIsolatesPerProcess?: number;
  /** Extra time past a call's budget (protocol.ts `callBudgetMs`) before its process is presumed hung. */
  graceMs?: number;
  /** How long a new process may take to say it is ready. */
  startTimeoutMs?: number;
}

export class SandboxSupervisor {
  private readonly processes: SandboxProcess[] = [];
  /** Which process holds each run's context. */
  private readonly runs = new Map<string, number>();
  private nextId = 1;
  private stopping = false;
  private readonly recentExits: number[] = [];
  private readonly graceMs: number;
  private readonly watchdog: NodeJS.Timeout;

  private readonly options: SupervisorOptions;

  private constructor(options: SupervisorOptions) {
    this.options = options;
    this.graceMs = options.graceMs ?? 2000;
    this.watchdog = setInterval(() => {
      for (const p of this.processes) {
        if (p.isReady && !p.exited && p.pending.size > 0 && Date.now() - p.lastHeard > UNRESPONSIVE_MS) {
          // Whatever stalled it came with a call it had by then, some time before its next
          // heartbeat was due; the calls sent after that cannot be what did.
          const suspects = [...p.pending.values()].filter((pending) => pending.runningSince !== undefined && pending.runningSince <= p.lastHeard + HEARTBEAT_MS);
          for (const pending of suspects) pending.suspect = true;
          log.warn('a sandbox process stopped answering; killing it', { pid: p.child.pid, silentMs: Date.now() - p.lastHeard, suspects: suspects.map((pending) => pending.call.runId) });
          p.kill('unresponsive');
        }
      }
    }, HEARTBEAT_MS);
    this.watchdog.unref();
  }

  /** Checks isolated-vm's version and starts the sandbox processes. */
  static async start(options: SupervisorOptions): Promise<SandboxSupervisor> {
    assertSandboxRuntime();
    const supervisor = new SandboxSupervisor(options);
    for (let i = 0; i < Math.max(1, options.processes); i++) supervisor.processes.push(supervisor.spawn(i));
    try {
      await Promise.all(supervisor.processes.map((p) => p.ready));
    } catch (error) {
      await supervisor.stop();
      throw error;
    }
    return supervisor;
  }

  private spawn(index: number): SandboxProcess {
    return new SandboxProcess(
      index,
      { isolatesPerGroup: this.options.isolatesPerProcess, maxIsolatesPerGroup: this.options.maxIsolatesPerProcess ?? Math.max(8, this.options.isolatesPerProcess), startTimeoutMs: this.options.startTimeoutMs ?? 10_000 },
      (from, message) => this.onResult(from, message),
      (from, reason) => this.onExit(from, reason),
    );
  }

  /** The process ids, for tests and diagnostics. */
  pids(): number[] {
    return this.processes.map((p) => p.child.pid ?? -1);
  }

  /**
   * Evaluates one call; resolves with the guest's JSON text, rejects with a SandboxFailure.
   * When `signal` aborts first, the call fails as cancelled at once and its process stops it.
   */
  call(call: SandboxCall, signal?: AbortSignal): Promise<string> {
    if (this.stopping) return Promise.reject(new SandboxFailure({ kind: 'internal', message: 'the sandbox is stopping' }));
    if (signal?.aborted) return Promise.reject(new SandboxFailure(CANCELLED));
    return new Promise<string>((resolve, reject) => {
      const onAbort = () => this.cancel(pending);
      const settled = () => signal?.removeEventListener('abort', onAbort);
      const pending: Pending = {
        id: this.nextId++,
        call,
        resolve: (value) => {
          settled();
          resolve(value);
        },
        reject: (error) => {
          settled();
          reject(error);
        },
        resent: false,
        hung: false,
      };
      signal?.addEventListener('abort', onAbort, { once: true });
      this.dispatch(pending);
    });
  }

  private cancel(pending: Pending): void {
    const holder = this.processes.find((p) => p.pending.get(pending.id) === pending);
    if (!holder) return;
    holder.pending.delete(pending.id);
    clearTimeout(pending.timer);
    holder.send({ type: 'cancel', id: pending.id });
    pending.reject(new SandboxFailure(CANCELLED));
  }

  /** Busy: running a call that is not about to end (a Code step looping, say). */
  private busy(p: SandboxProcess, now: number): boolean {
    for (const pending of p.pending.values()) if (pending.runningSince !== undefined && now - pending.runningSince > BUSY_AFTER_MS) return true;
    return false;
  }

  private processFor(runId: string): SandboxProcess {
    const now = Date.now();
    const known = this.runs.get(runId);
    const current = known !== undefined ? this.processes[known] : undefined;
    if (current && !current.retiring && !this.busy(current, now)) return current;
    // All busy: the run stays where its context is; a new run takes the least loaded.
    // A process on its way out takes nothing new.
    const live = this.processes.filter((p) => !p.retiring);
    const free = live.filter((p) => !this.busy(p, now));
    const candidates = free.length > 0 ? free : current && !current.retiring ? [current] : live.length > 0 ? live : this.processes;
    let best = candidates[0]!;
    for (const p of candidates) if (p.pending.size < best.pending.size) best = p;
    if (current && best !== current) current.send({ type: 'release', runId });
    this.runs.set(runId, best.index);
    return best;
  }

  /** Each sandbox process's report on itself (see child.ts `health`). */
  health(): Promise<unknown[]> {
    return Promise.all(
      this.processes.map(
        (p) =>
          new Promise<unknown>((resolve, reject) => {
            const call: SandboxCall = { kind: 'health', runId: '', info: { run: { id: '', startedAt: '' }, workflow: { id: '', name: '', version: 0 }, timezone: 'UTC', vars: {} }, memoryMb: 0, timeoutMs: 1000, payload: '' };
            const pending: Pending = { id: this.nextId++, call, resolve: (text) => resolve(JSON.parse(text)), reject, resent: true, hung: false };
            this.dispatch(pending, p);
          }),
      ),
    );
  }

  private dispatch(pending: Pending, to?: SandboxProcess): void {
    const target = to ?? this.processFor(pending.call.runId);
    pending.suspect = false;
    pending.runningSince = undefined;
    target.pending.set(pending.id, pending);
    const send = () => {
      if (target.exited) return; // onExit re-dispatches or fails it
      if (target.pending.get(pending.id) !== pending) return; // cancelled while the process was starting
      if (!target.send({ type: 'call', id: pending.id, call: pending.call })) return;
      this.arm(pending, target);
    };
    if (target.isReady) send();
    else target.ready.then(send, () => undefined);
  }

  /**
   * The call's deadline, a backstop. A sandbox process stops its calls at their limits
   * itself (CPU time, with wall time stretched on a busy machine, within `callBudgetMs`),
   * so a call still running past its budget plus a grace has a process that failed to.
   * Wall time alone cannot tell that from a machine too busy to run the process at all,
   * and killing a process that is merely starved would fail calls that did nothing
   * wrong. So the process's CPU time (from its heartbeats) decides: one that burned at
   * least half a core since the call started, and still has not answered it, is hung on
   * it; one that got less has been starved, and gets another budget, until after
   * STARVED_DEADLINES of them the call fails as busy (and is cancelled there). A process
   * that says nothing at all is the watchdog's to kill.
   */
  private arm(pending: Pending, target: SandboxProcess): void {
    clearTimeout(pending.timer);
    const since = Date.now();
    pending.runningSince = since;
    pending.cpuAtStart = target.cpuMs;
    const budgetMs = callBudgetMs(pending.call.timeoutMs) + this.graceMs;
    let deadlines = 0;
    const check = () => {
      if (target.exited || target.pending.get(pending.id) !== pending) return;
      deadlines++;
      const elapsed = Date.now() - since;
      const cpuUsed = target.cpuMs - (pending.cpuAtStart ?? 0);
      const silent = Date.now() - target.lastHeard > 2 * HEARTBEAT_MS;
      if (silent || (cpuUsed < elapsed / 2 && deadlines < STARVED_DEADLINES)) {
        pending.timer = setTimeout(check, silent ? HEARTBEAT_MS : budgetMs);
        return;
      }
      if (cpuUsed < elapsed / 2) {
        target.pending.delete(pending.id);
        target.send({ type: 'cancel', id: pending.id });
        const message = `could not finish because the machine was too busy (its sandbox process got ${Math.round(cpuUsed)} ms of CPU time in ${elapsed} ms)`;
        pending.reject(new SandboxFailure({ kind: 'busy', message }));
        return;
      }
      pending.hung = true;
      log.warn('a sandbox process missed a deadline; killing it', { pid: target.child.pid, runId: pending.call.runId, kind: pending.call.kind, elapsedMs: elapsed, cpuMs: Math.round(cpuUsed) });
      target.kill('deadline');
    };
    pending.timer = setTimeout(check, budgetMs);
  }

  private onResult(from: SandboxProcess, message: ChildMessage): void {
    if (message.type === 'queued' || message.type === 'started') {
      const waiting = from.pending.get(message.id);
      if (!waiting) return;
      // Waiting for an isolate is not running: the clock starts at the start.
      if (message.type === 'queued') {
        clearTimeout(waiting.timer);
        waiting.runningSince = undefined;
      } else {
        this.arm(waiting, from);
      }
      return;
    }
    if (message.type === 'retiring') {
      // Guest code it cannot stop runs on in it: its answers are all in, it serves nothing more.
      log.warn('a sandbox process is ending: guest code in it could not be stopped', { pid: from.child.pid, reason: message.reason, calls: from.pending.size });
      from.retiring = true;
      from.kill('retiring');
      return;
    }
    if (message.type !== 'result') return;
    const pending = from.pending.get(message.id);
    if (!pending) return;
    from.pending.delete(message.id);
    clearTimeout(pending.timer);
    if (message.ok) pending.resolve(message.value);
    else pending.reject(new SandboxFailure(message.failure));
  }

  private onExit(from: SandboxProcess, reason: string): void {
    if (this.processes[from.index] !== from) return;
    const orphans = [...from.pending.values()];
    from.pending.clear();
    for (const p of orphans) clearTimeout(p.timer);
    if (this.stopping) {
      for (const p of orphans) p.reject(new SandboxFailure({ kind: 'internal', message: 'the sandbox stopped' }));
      return;
    }
    log.warn('a sandbox process exited; starting another', { pid: from.child.pid, reason, calls: orphans.length });
    const now = Date.now();
    this.recentExits.push(now);
    while (this.recentExits.length > 0 && this.recentExits[0]! < now - 10_000) this.recentExits.shift();
    if (this.recentExits.length > 5) log.error('sandbox processes keep exiting; is the machine out of memory?', { exits: this.recentExits.length });
    this.processes[from.index] = this.spawn(from.index);

    // Killed for a reason that names the call to blame (or the calls that may be): the
    // others are sent again without it counting against them. A crash names nobody.
    const blamed = (p: Pending) =>
      from.killedFor === 'retiring' || from.killedFor === 'deadline' ? false : from.killedFor === 'unresponsive' ? p.suspect === true : true;
    for (const p of orphans) {
      if (p.hung) {
        p.reject(
          new SandboxFailure({
            kind: 'time',
            message: `did not finish within the ${p.call.timeoutMs} ms time limit, so its sandbox process was stopped`,
          }),
        );
      } else if (!blamed(p)) {
        this.dispatch(p);
      } else if (!p.resent) {
        p.resent = true;
        this.dispatch(p);
      } else {
        p.reject(
          new SandboxFailure({
            kind: 'crash',
            message: `its sandbox process stopped twice while running it (${reason}); it may need more memory than the sandbox allows`,
          }),
        );
      }
    }
  }

  /** The run is over in this worker: its context is dropped. */
  release(runId: string): void {
    const index = this.runs.get(runId);
    if (index === undefined) return;
    this.runs.delete(runId);
    this.processes[index]?.send({ type: 'release', runId });
  }

  /** Stops every sandbox process; none is started again, and calls still in flight fail. Calling it again waits for the same. */
  async stop(): Promise<void> {
    this.stopping = true;
    clearInterval(this.watchdog);
    await Promise.all(
      this.processes.map(
        (p) =>
          new Promise<void>((resolve) => {
            if (p.exited) return resolve();
            const hard = setTimeout(() => p.kill('stopping'), 1000);
            p.child.once('exit', () => {
              clearTimeout(hard);
              resolve();
            });
            // Its IPC channel closing ends it (child.ts); one that does not end within a second is killed.
            if (p.child.connected) p.child.disconnect();
            else p.kill('stopping');
          }),
      ),
    );
  }
}
