/**
 * One isolate and what lives in it: the date library and the guest runtime compiled
 * once, the compiled programs, and the runs' contexts. The pool (isolates.ts) decides
 * which calls run in it; a heap that hits its memory limit, or whose isolate had to be
 * stopped, is replaced whole.
 *
 * `createSnapshot` could start contexts with the date library already evaluated; its
 * documentation calls it unstable and measured here it saved ~0.3 ms per context, so
 * the library is compiled once per isolate and run once per context instead.
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import ivm from 'isolated-vm';
import { SETUP_TIMEOUT_MS, type CallFailure, type RunInfo } from './protocol.ts';

const require = createRequire(import.meta.url);
// Luxon's browser build defines one global, `luxon`; its package exports only the
// module builds, so the file is found beside its package.json.
const LUXON_SOURCE = readFileSync(join(dirname(require.resolve('luxon/package.json')), 'build/global/luxon.min.js'), 'utf8');
const RUNTIME_SOURCE = readFileSync(new URL('./guest/runtime.js', import.meta.url), 'utf8');
/** The Code node's code is compiled under this name; errors point into it. */
export const CODE_FILENAME = 'code.js';

const PROGRAMS_PER_ISOLATE = 500;

export class CallError extends Error {
  readonly failure: CallFailure;
  /** The guest still runs on its isolate's thread and nothing in this process can stop it. */
  readonly stuck: boolean;
  constructor(failure: CallFailure, options?: { cause?: unknown; stuck?: boolean }) {
    super(failure.message, options);
    this.failure = failure;
    this.stuck = options?.stuck ?? false;
  }
}

export interface RunContext {
  context: ivm.Context;
  dispatch: ivm.Reference<(kind: string, target: unknown, payload: string) => string | Promise<string>>;
  programs: Map<string, ivm.Reference<unknown>>;
  lastUsed: number;
}

export class Heap {
  readonly isolate: ivm.Isolate;
  private readonly luxon: ivm.Script;
  private readonly runtime: ivm.Script;
  private readonly programs = new Map<string, ivm.Script>();
  readonly contexts = new Map<string, RunContext>();
  contextsCreated = 0;
  /** The last `heldMs` read while the isolate was alive: isolated-vm disposes of one that hits its memory limit. */
  private lastHeldMs = 0;
  /** Disposed of by the pool (replaced, cancelled, idle), not by isolated-vm. */
  disposed = false;

  /**
   * @param onCatastrophic isolated-vm gave up on the isolate (code it could not stop):
   *   the process cannot be trusted any more and must end (see isolates.ts).
   */
  constructor(memoryMb: number, onCatastrophic: (message: string) => void) {
    this.isolate = new ivm.Isolate({ memoryLimit: memoryMb, onCatastrophicError: onCatastrophic });
    this.luxon = this.isolate.compileScriptSync(LUXON_SOURCE, { filename: 'luxon.js' });
    this.runtime = this.isolate.compileScriptSync(RUNTIME_SOURCE, { filename: 'junction-runtime.js' });
  }

  /** A run's context, made on its first call. Only Junction's own code runs here, under a generous wall-clock bound. */
  async contextFor(runId: string, info: RunInfo): Promise<RunContext> {
    const existing = this.contexts.get(runId);
    if (existing) {
      existing.lastUsed = Date.now();
      return existing;
    }
    const context = await this.isolate.createContext();
    await this.luxon.run(context, { timeout: SETUP_TIMEOUT_MS });
    const dispatch = await this.runtime.run(context, { reference: true, timeout: SETUP_TIMEOUT_MS });
    await dispatch.apply(undefined, ['init', undefined, JSON.stringify(info)], { timeout: SETUP_TIMEOUT_MS });
    const created: RunContext = { context, dispatch, programs: new Map(), lastUsed: Date.now() };
    this.contexts.set(runId, created);
    this.contextsCreated++;
    return created;
  }

  /**
   * How long the isolate has held a thread so far, in wall time (isolated-vm's
   * `wallTime`): a guest idle on a promise adds nothing, a guest whose thread waits for a
   * core on a busy machine adds all the while. (isolated-vm's `cpuTime` is no better:
   * with its prebuilt binaries it advances with wall time too, even while the thread
   * sleeps; share.ts tells how much of that was CPU time.) Once the isolate is disposed
   * of, the last time read stands.
   */
  heldMs(): number {
    if (this.isolate.isDisposed) return this.lastHeldMs;
    try {
      this.lastHeldMs = Number(this.isolate.wallTime) / 1e6;
    } catch (error) {
      // Disposed of between the check and the read (by its memory limit, on its own thread).
      if (!this.isolate.isDisposed) throw error;
    }
    return this.lastHeldMs;
  }

  release(runId: string): void {
    const context = this.contexts.get(runId);
    if (!context) return;
    this.contexts.delete(runId);
    context.dispatch.release();
    for (const program of context.programs.values()) program.release();
    if (!this.isolate.isDisposed) context.context.release();
  }

  /**
   * The compiled program instantiated in a context. Its wrapper only defines functions,
   * but source that closes the wrapper early runs code here: this is timed like the call.
   */
  async program(context: RunContext, key: string, source: string, filename: string, timeoutMs: number): Promise<ivm.Reference<unknown>> {
    const instantiated = context.programs.get(key);
    if (instantiated) return instantiated;
    let script = this.programs.get(key);
    if (!script) {
      try {
        // The program's first line is a wrapper: line 1 of the user's code is line 1 in errors.
        script = await this.isolate.compileScript(source, { filename, lineOffset: -1 });
      } catch (error) {
        if (this.isolate.isDisposed) throw error;
        throw new CallError({ kind: 'syntax', message: (error as Error).message }, { cause: error });
      }
      if (this.programs.size >= PROGRAMS_PER_ISOLATE) this.programs.delete(this.programs.keys().next().value!);
      this.programs.set(key, script);
    }
    const reference = (await script.run(context.context, { reference: true, timeout: timeoutMs })) as ivm.Reference<unknown>;
    context.programs.set(key, reference);
    return reference;
  }

  /** isolated-vm disposed of the isolate itself: it does so when the isolate reaches its memory limit. */
  get lostToMemoryLimit(): boolean {
    return !this.disposed && this.isolate.isDisposed;
  }

  dispose(): void {
    this.disposed = true;
    for (const runId of [...this.contexts.keys()]) this.release(runId);
    if (!this.isolate.isDisposed) this.isolate.dispose();
  }
}
