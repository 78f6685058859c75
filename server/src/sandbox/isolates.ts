/**
 * Inside a sandbox process: the pool of isolates and the runs' contexts in them.
 *
 * - Isolates are grouped by memory limit; each group holds a few, each loaded once with
 *   the date library and the guest runtime as compiled scripts.
 * - A run gets a fresh context in one isolate the first time it calls, and keeps it for
 *   its later steps until the worker releases it (or it sits unused): runs never share
 *   a context, so one that patches `Array.prototype` changes nothing for another.
 * - One call at a time per isolate (the isolate's thread runs them in order anyway), so
 *   when an isolate hits its memory limit the call that did it is known, and the calls
 *   queued behind it simply run on the replacement isolate.
 *
 * `createSnapshot` could start contexts with the date library already evaluated; its
 * documentation calls it unstable and measured here it saved ~0.3 ms per context, so
 * the library is compiled once per isolate and run once per context instead.
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import ivm from 'isolated-vm';
import type { CallFailure, RunInfo, SandboxCall } from './protocol.ts';

const require = createRequire(import.meta.url);
// Luxon's browser build defines one global, `luxon`; its package exports only the
// module builds, so the file is found beside its package.json.
const LUXON_SOURCE = readFileSync(join(dirname(require.resolve('luxon/package.json')), 'build/global/luxon.min.js'), 'utf8');
const RUNTIME_SOURCE = readFileSync(new URL('./guest/runtime.js', import.meta.url), 'utf8');
/** The Code node's code is compiled under this name; errors point into it. */
export const CODE_FILENAME = 'code.js';

const PROGRAMS_PER_ISOLATE = 500;
/** A context whose run has not called for this long is dropped (the worker normally releases it). */
const CONTEXT_IDLE_MS = 5 * 60_000;
/** Isolates of a memory limit no run has used for this long are disposed. */
const GROUP_IDLE_MS = 2 * 60_000;
/** Isolates are replaced after this many contexts, so no heap lives forever. */
const CONTEXTS_PER_ISOLATE_LIFE = 20_000;
/** Waiting for a promise after the guest's CPU time limit: it can only be a promise that never settles. */
const SETTLE_SLACK_MS = 50;

export class CallError extends Error {
  readonly failure: CallFailure;
  constructor(failure: CallFailure, options?: { cause?: unknown }) {
    super(failure.message, options);
    this.failure = failure;
  }
}

interface RunContext {
  context: ivm.Context;
  dispatch: ivm.Reference<(kind: string, target: unknown, payload: string) => string | Promise<string>>;
  programs: Map<string, ivm.Reference<unknown>>;
  lastUsed: number;
}

/** One isolate and what lives in it; replaced whole when it hits its memory limit. */
class Heap {
  readonly isolate: ivm.Isolate;
  private readonly luxon: ivm.Script;
  private readonly runtime: ivm.Script;
  private readonly programs = new Map<string, ivm.Script>();
  readonly contexts = new Map<string, RunContext>();
  contextsCreated = 0;

  constructor(memoryMb: number) {
    this.isolate = new ivm.Isolate({
      memoryLimit: memoryMb,
      onCatastrophicError: (message) => {
        // isolated-vm's advice: the process cannot be trusted any more. The worker restarts it.
        process.stderr.write(`sandbox: catastrophic isolate error, exiting: ${message}\n`);
        process.exit(70);
      },
    });
    this.luxon = this.isolate.compileScriptSync(LUXON_SOURCE, { filename: 'luxon.js' });
    this.runtime = this.isolate.compileScriptSync(RUNTIME_SOURCE, { filename: 'junction-runtime.js' });
  }

  async contextFor(runId: string, info: RunInfo, timeoutMs: number): Promise<RunContext> {
    const existing = this.contexts.get(runId);
    if (existing) {
      existing.lastUsed = Date.now();
      return existing;
    }
    const context = await this.isolate.createContext();
    await this.luxon.run(context, { timeout: Math.max(timeoutMs, 1000) });
    const dispatch = await this.runtime.run(context, { reference: true, timeout: Math.max(timeoutMs, 1000) });
    await dispatch.apply(undefined, ['init', undefined, JSON.stringify(info)], { timeout: Math.max(timeoutMs, 1000) });
    const created: RunContext = { context, dispatch, programs: new Map(), lastUsed: Date.now() };
    this.contexts.set(runId, created);
    this.contextsCreated++;
    return created;
  }

  release(runId: string): void {
    const context = this.contexts.get(runId);
    if (!context) return;
    this.contexts.delete(runId);
    context.dispatch.release();
    for (const program of context.programs.values()) program.release();
    if (!this.isolate.isDisposed) context.context.release();
  }

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

  dispose(): void {
    for (const runId of [...this.contexts.keys()]) this.release(runId);
    if (!this.isolate.isDisposed) this.isolate.dispose();
  }
}

/** A place in the pool: the heap in it is replaced when it dies; calls queue on the place. */
class Slot {
  heap: Heap;
  private queue: Promise<unknown> = Promise.resolve();
  queued = 0;
  lastUsed = Date.now();

  readonly memoryMb: number;

  constructor(memoryMb: number) {
    this.memoryMb = memoryMb;
    this.heap = new Heap(memoryMb);
  }

  /**
   * Runs `task` after the calls before it; the heap it gets is the live one at that time.
   * `waiting` hears when the task has to wait behind others, and when it starts after that.
   */
  enqueue<T>(task: (heap: Heap) => Promise<T>, waiting?: QueueListener): Promise<T> {
    this.lastUsed = Date.now();
    const behind = this.queued > 0;
    if (behind) waiting?.queued();
    this.queued++;
    const result = this.queue.then(() => {
      if (behind) waiting?.started();
      if (this.heap.isolate.isDisposed || this.heap.contextsCreated >= CONTEXTS_PER_ISOLATE_LIFE) this.renew();
      return task(this.heap);
    });
    this.queue = result.then(
      () => undefined,
      () => undefined,
    );
    return result.finally(() => this.queued--);
  }

  renew(): void {
    this.heap.dispose();
    this.heap = new Heap(this.memoryMb);
  }
}

/** Told when a call waits behind others in its isolate, and when it starts after all. */
export interface QueueListener {
  queued(): void;
  started(): void;
}

export interface PoolOptions {
  isolatesPerGroup: number;
}

function isTimeout(error: unknown): boolean {
  return error instanceof Error && /execution timed out/i.test(error.message);
}

function isMemoryLimit(error: unknown, heap: Heap): boolean {
  return heap.isolate.isDisposed || (error instanceof Error && /memory limit|out of memory|array buffer allocation failed/i.test(error.message));
}

export class IsolatePool {
  private readonly groups = new Map<number, Slot[]>();
  /** Which slot holds each run's context. */
  private readonly runs = new Map<string, Slot>();
  private readonly sweeper: NodeJS.Timeout;

  private readonly options: PoolOptions;

  constructor(options: PoolOptions) {
    this.options = options;
    this.sweeper = setInterval(() => this.sweep(), 30_000);
    this.sweeper.unref();
  }

  private slotFor(runId: string, memoryMb: number): Slot {
    const known = this.runs.get(runId);
    if (known && known.memoryMb === memoryMb) return known;
    if (known) this.release(runId);
    let group = this.groups.get(memoryMb);
    if (!group) {
      group = Array.from({ length: this.options.isolatesPerGroup }, () => new Slot(memoryMb));
      this.groups.set(memoryMb, group);
    }
    let best = group[0]!;
    for (const slot of group) if (slot.queued + slot.heap.contexts.size * 0.01 < best.queued + best.heap.contexts.size * 0.01) best = slot;
    this.runs.set(runId, best);
    return best;
  }

  /** Runs one call; resolves with the guest's JSON text or rejects with a CallError. */
  call(call: SandboxCall, waiting?: QueueListener): Promise<string> {
    const slot = this.slotFor(call.runId, call.memoryMb);
    return slot.enqueue(async (heap) => {
      try {
        return await this.callIn(heap, call);
      } catch (error) {
        if (error instanceof CallError) throw error;
        if (isMemoryLimit(error, heap)) {
          slot.renew();
          this.forgetRunsOf(slot);
          throw new CallError({ kind: 'memory', message: `used more memory than the ${call.memoryMb} MB limit` }, { cause: error });
        }
        // A context interrupted mid-way may hold half-done state: the run gets a new one.
        heap.release(call.runId);
        if (isTimeout(error)) throw new CallError({ kind: 'time', message: `ran longer than the ${call.timeoutMs} ms time limit` }, { cause: error });
        // The guest runtime answers every error of user code itself; what still escapes
        // is a promise the code rejected and left unhandled, which isolated-vm reports.
        const message = error instanceof Error ? `${error.name === 'Error' ? '' : `${error.name}: `}${error.message}` : String(error);
        throw new CallError({ kind: 'rejection', message }, { cause: error });
      }
    }, waiting);
  }

  private async callIn(heap: Heap, call: SandboxCall): Promise<string> {
    const context = await heap.contextFor(call.runId, call.info, call.timeoutMs);
    const filename = call.kind === 'code' ? CODE_FILENAME : 'expressions.js';
    const target = call.program !== undefined ? await heap.program(context, call.programKey ?? call.program, call.program, filename, call.timeoutMs) : undefined;
    const pending = context.dispatch.apply(undefined, [call.kind, target?.derefInto(), call.payload], {
      timeout: call.timeoutMs,
      result: { promise: true, copy: true },
    });
    let timer: NodeJS.Timeout | undefined;
    // The guest has no timers and no I/O: a promise still pending when the CPU time is
    // used up waits for nothing and would never settle.
    const unsettled = new Promise<never>((_, reject) => {
      timer = setTimeout(
        () => reject(new CallError({ kind: 'time', message: `did not finish within the ${call.timeoutMs} ms time limit (a promise that never settles?)` })),
        call.timeoutMs + SETTLE_SLACK_MS,
      );
    });
    try {
      const value: unknown = await Promise.race([pending, unsettled]);
      if (typeof value !== 'string') throw new CallError({ kind: 'internal', message: 'the sandbox runtime returned something other than text' });
      return value;
    } catch (error) {
      if (error instanceof CallError && error.failure.kind === 'time') {
        pending.catch(() => undefined);
        heap.release(call.runId);
      }
      throw error;
    } finally {
      clearTimeout(timer);
    }
  }

  private forgetRunsOf(slot: Slot): void {
    for (const [runId, owner] of this.runs) if (owner === slot) this.runs.delete(runId);
  }

  release(runId: string): void {
    const slot = this.runs.get(runId);
    if (!slot) return;
    this.runs.delete(runId);
    const heap = slot.heap;
    void slot.enqueue(async () => heap.release(runId));
  }

  private sweep(): void {
    const cutoff = Date.now() - CONTEXT_IDLE_MS;
    for (const [memoryMb, group] of this.groups) {
      for (const slot of group) {
        for (const [runId, context] of slot.heap.contexts) if (context.lastUsed < cutoff) this.release(runId);
      }
      // Each memory limit in use has isolates of its own; one no run has used for a while
      // goes, so workflows with many different limits cannot pile isolates up.
      if (group.every((slot) => slot.queued === 0 && slot.heap.contexts.size === 0 && slot.lastUsed < Date.now() - GROUP_IDLE_MS)) {
        for (const slot of group) slot.heap.dispose();
        this.groups.delete(memoryMb);
      }
    }
  }

  /** Each live isolate's heap and how many run contexts it holds (diagnostics, benchmarks). */
  stats(): { memoryMb: number; contexts: number; heapBytes: number; usedHeapBytes: number; externalBytes: number }[] {
    const out = [];
    for (const group of this.groups.values()) {
      for (const slot of group) {
        if (slot.heap.isolate.isDisposed) continue;
        const heap = slot.heap.isolate.getHeapStatisticsSync();
        out.push({
          memoryMb: slot.memoryMb,
          contexts: slot.heap.contexts.size,
          heapBytes: heap.total_heap_size,
          usedHeapBytes: heap.used_heap_size,
          externalBytes: heap.externally_allocated_size,
        });
      }
    }
    return out;
  }

  close(): void {
    clearInterval(this.sweeper);
    for (const group of this.groups.values()) for (const slot of group) slot.heap.dispose();
  }
}
