/**
 * Inside a sandbox process: how the time of a call is watched.
 *
 * The time limits are CPU time. isolated-vm's timeout counts wall time, which a machine
 * busy with other work stretches: a call that needs 1 ms of CPU can wait a second for a
 * core. So here its timeout is only a backstop, `MAX_STRETCH` times the limit. From the
 * limit's wall time on, the call is looked at: the wall time its isolate has held its
 * thread, times the share of a core the process got meanwhile (share.ts), is about what
 * it computed; once that reaches the limit, the call is stopped (its isolate disposed of)
 * and fails for its time limit. On a machine with cores to spare that is right at the
 * limit. A call that reaches the backstop without having computed its limit, or that a
 * starved machine never lets start, fails as `busy`: not the code's fault.
 *
 * Also watched for, as isolated-vm does not report them: a promise that never settles
 * (the guest has no timers or I/O, so a guest idle with its promise pending waits for
 * nothing), code that neither its timeout nor disposing of its isolate stops, and an
 * isolate disposed of by its memory limit while the code in it runs on (allocation in a
 * tight loop does that).
 */
import { CallError, type Heap } from './heap.ts';
import { MAX_STRETCH, STUCK_AFTER_MS, WALL_SLACK } from './protocol.ts';
import type { CoreShare } from './share.ts';

/** How often a call is looked at once it has run for its limit in wall time (at most; sooner for short limits). */
const WATCH_MS = 50;

export function isTimeout(error: unknown): boolean {
  return error instanceof Error && /execution timed out/i.test(error.message);
}

/** A handle on a call being watched. */
export interface Watch {
  /** Fails the call now as code that cannot be stopped (isolated-vm gave up on its isolate). */
  giveUp(): void;
}

/** What `timed` needs to know of a call. */
export interface TimedCall {
  /** CPU time the guest may use. */
  limitMs: number;
  memoryMb: number;
  /** The guest may return a promise (Code steps): waiting on one that never settles is a verdict of its own. */
  canWait: boolean;
}

/** The wall time isolated-vm's timeout gets for a call: the backstop. */
export function backstopMs(limitMs: number): number {
  return Math.ceil(limitMs * MAX_STRETCH);
}

function stuck(heap: Heap, limitMs: number, memoryMb: number): CallError {
  return heap.lostToMemoryLimit
    ? new CallError({ kind: 'memory', message: `used more memory than the ${memoryMb} MB limit` }, { stuck: true })
    : new CallError({ kind: 'time', message: `ran longer than the ${limitMs} ms time limit` }, { stuck: true });
}

function busy(limitMs: number, cpuMs: number, wallMs: number): CallError {
  const message = `could not finish because the machine was too busy (CPU time about ${Math.round(cpuMs)} ms of the ${limitMs} ms limit, wall time ${Math.round(wallMs)} ms)`;
  return new CallError({ kind: 'busy', message });
}

/**
 * Runs `start` in `heap` and watches it. `start` passes `backstopMs(limitMs)` on as
 * isolated-vm's timeout, and calls `dispatching` right before it hands the guest its call
 * (after compiling and instantiating the program). `stop` disposes of the isolate. Resolves
 * with the call's value; rejects with a CallError for the limit it hit (or `busy`), or
 * with what `start` rejected with.
 */
export async function timed<T>(
  heap: Heap,
  share: CoreShare,
  call: TimedCall,
  start: (dispatching: () => void) => Promise<T>,
  stop: () => void,
  onWatch?: (watch: Watch) => void,
): Promise<T> {
  const { limitMs, memoryMb } = call;
  const wallMs = backstopMs(limitMs);
  share.use();
  const before = heap.heldMs();
  const startedAt = Date.now();
  /** Wall time the isolate has held its thread for this call (isolated-vm's wall clock counts only that). */
  const held = () => heap.heldMs() - before;
  /** About how much CPU time the call has used: see the top of this file. */
  const computed = () => Math.min(held(), wallMs) * share.since(startedAt);
  let heldAtDispatch: number | undefined;
  const running = start(() => (heldAtDispatch = held()));
  let settled = false;
  running.then(
    () => (settled = true),
    () => (settled = true),
  );
  let timer: NodeJS.Timeout | undefined;
  let fail!: (error: Error) => void;
  const watched = new Promise<never>((_, reject) => {
    fail = reject;
  });
  // Verdicts that rest on the isolate being idle wait for the event loop to deliver an
  // answer that may be on its way (a result is handed over after the isolate lets go).
  const unlessSettled = (error: Error) =>
    setImmediate(() => {
      if (!settled) fail(error);
    });
  /** Stopped for its time limit, since when: it has a while to end before it counts as stuck. */
  let stoppedAt: number | undefined;
  let lastRan = -1;
  let idleSince: number | undefined;
  let disposedAt: number | undefined;
  const interval = Math.max(5, Math.min(WATCH_MS, limitMs / 2));
  const look = () => {
    const now = Date.now();
    const elapsed = now - startedAt;
    // Disposed of by the pool while it runs: the call was cancelled. Its code has to end all the same.
    if (heap.disposed) stoppedAt ??= now;
    if (stoppedAt !== undefined) {
      if (now - stoppedAt >= STUCK_AFTER_MS) return fail(stuck(heap, limitMs, memoryMb));
    } else if (heap.lostToMemoryLimit) {
      // isolated-vm disposes of an isolate at its memory limit, and the call fails then,
      // unless the code in it runs on regardless.
      disposedAt ??= now;
      if (now - disposedAt >= STUCK_AFTER_MS) return unlessSettled(stuck(heap, limitMs, memoryMb));
    } else {
      const ran = held();
      idleSince = ran === lastRan ? (idleSince ?? now - interval) : undefined;
      lastRan = ran;
      if (ran >= limitMs * WALL_SLACK && computed() >= limitMs) {
        // Computed its limit: stopped now. Disposing of the isolate ends its code, and
        // the call fails once it has (or, should the code run on, as stuck).
        stoppedAt = now;
        stop();
      } else if (idleSince !== undefined) {
        // Idle long enough, for the share of a core the process gets, that no hand-over
        // between the isolate and this thread can still be on its way.
        const idleMs = now - idleSince;
        const surelyIdle = idleMs >= 2 * WATCH_MS && idleMs * share.since(idleSince) >= WATCH_MS;
        // Its code ran, and then its isolate sat idle with its promise pending: the guest
        // has no timers or I/O, so it waits for nothing.
        if (call.canWait && surelyIdle && heldAtDispatch !== undefined && ran > heldAtDispatch && elapsed >= limitMs) {
          return unlessSettled(new CallError({ kind: 'time', message: `did not finish within the ${limitMs} ms time limit: it was waiting for a promise that never settles` }));
        }
        // Not going on (not started, or between steps) for as long as its backstop: the
        // isolate's thread, or this one, gets no core. Its isolate goes, so it cannot
        // start later.
        if (surelyIdle && elapsed > wallMs) {
          const error = busy(limitMs, computed(), elapsed);
          return setImmediate(() => {
            if (settled) return;
            stop();
            fail(error);
          });
        }
      }
    }
    timer = setTimeout(look, elapsed < limitMs * WALL_SLACK ? Math.min(interval, limitMs * WALL_SLACK - elapsed) : interval);
  };
  timer = setTimeout(look, Math.min(interval, limitMs * WALL_SLACK));
  onWatch?.({ giveUp: () => fail(stuck(heap, limitMs, memoryMb)) });
  try {
    return await Promise.race([running, watched]);
  } catch (error) {
    // Stopped for its limit: its isolate went, which is what the call failed of.
    if (stoppedAt !== undefined && !(error instanceof CallError)) throw new CallError({ kind: 'time', message: `ran longer than the ${limitMs} ms time limit` }, { cause: error });
    if (!isTimeout(error)) throw error;
    // The backstop: isolated-vm's timeout. Computing, or held up by the machine?
    const cpuMs = computed();
    if (cpuMs >= limitMs) throw new CallError({ kind: 'time', message: `ran longer than the ${limitMs} ms time limit` }, { cause: error });
    throw busy(limitMs, cpuMs, Date.now() - startedAt);
  } finally {
    clearTimeout(timer);
    // A call given up on may still reject; nobody awaits it any more.
    running.catch(() => undefined);
  }
}
