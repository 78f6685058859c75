/**
 * Inside a sandbox process: the pool of isolates, and which isolate runs each call.
 *
 * - Isolates are grouped by memory limit. A group keeps `isolatesPerGroup` of them and,
 *   while all are busy, grows up to `maxIsolatesPerGroup` (isolated-vm runs each isolate
 *   on a thread of its own); the extra ones go once they sit idle.
 * - An isolate runs one call at a time, so when it hits its memory limit the call that
 *   did it is known.
 * - A run gets a fresh context of its own in the isolate its first call runs in, and its
 *   later calls go there while that isolate is free: runs never share a context, so one
 *   that patches `Array.prototype` changes nothing for another. The context is only a
 *   cache, though. When the run's isolate is busy with a call that is not about to end
 *   (a Code step looping for its whole time limit), the run's call goes to a free isolate
 *   and gets a new context there, and the old one is dropped: no run waits behind
 *   another's long call while an isolate is free or can be added.
 * - isolated-vm stops running code only by its timeout or by disposing of the isolate.
 *   A cancelled call gets its isolate disposed and replaced; the other runs' contexts in
 *   it were caches, so those runs go on in new ones. Code that neither stops (see
 *   `callIn`) ends the whole process.
 */
import type { SandboxCall } from './protocol.ts';
import { CallError, CODE_FILENAME, Heap } from './heap.ts';

export { CallError } from './heap.ts';

/** A context whose run has not called for this long is dropped (the worker normally releases it). */
const CONTEXT_IDLE_MS = 5 * 60_000;
/** Isolates of a memory limit no run has used for this long are disposed. */
const GROUP_IDLE_MS = 2 * 60_000;
/** Isolates added while all were busy are disposed after sitting idle this long. */
const EXTRA_IDLE_MS = 30_000;
/** Isolates are replaced after this many contexts, so no heap lives forever. */
const CONTEXTS_PER_ISOLATE_LIFE = 20_000;
/** Waiting for a promise after the guest's time limit: past it, a guest that was not computing can only be waiting on a promise that never settles. */
const SETTLE_SLACK_MS = 50;
/** How much longer past its time limit a computing guest is given before it counts as stuck. */
const STUCK_AFTER_MS = 500;
/**
 * How long a call waits for a busy isolate before it goes to another (or a new one).
 * Most calls take well under a millisecond; a new context costs about two.
 */
const PATIENCE_MS = 5;

/** Told when a call has to wait for an isolate, and when it starts after all. */
export interface QueueListener {
  queued(): void;
  started(): void;
}

export interface PoolOptions {
  isolatesPerGroup: number;
  /** How far a group grows while all its isolates are busy. */
  maxIsolatesPerGroup: number;
}

interface Job {
  call: SandboxCall;
  /** The worker's id of the call, by which it can cancel it. */
  id?: number;
  listener?: QueueListener;
  since: number;
  /** The listener heard it was queued. */
  queued: boolean;
  resolve(value: string): void;
  reject(error: unknown): void;
}

/** A place in a group: the heap in it is replaced when it dies. */
class Slot {
  heap: Heap;
  running: { job: Job; startedAt: number; cancelled: boolean } | null = null;
  lastUsed = Date.now();
  /** Runs whose context here goes once the call running now is over. */
  readonly releases = new Set<string>();

  readonly memoryMb: number;

  constructor(memoryMb: number) {
    this.memoryMb = memoryMb;
    this.heap = new Heap(memoryMb);
  }

  renew(): void {
    this.heap.dispose();
    this.heap = new Heap(this.memoryMb);
  }
}

interface Group {
  slots: Slot[];
  /** Calls not started yet, oldest first. */
  waiting: Job[];
  timer?: NodeJS.Timeout;
}

function isTimeout(error: unknown): boolean {
  return error instanceof Error && /execution timed out/i.test(error.message);
}

function isMemoryLimit(error: unknown, heap: Heap): boolean {
  return heap.isolate.isDisposed || (error instanceof Error && /memory limit|out of memory|array buffer allocation failed/i.test(error.message));
}

const CANCELLED = { kind: 'cancelled', message: 'was cancelled' } as const;

export class IsolatePool {
  private readonly groups = new Map<number, Group>();
  /** Which slot holds each run's context. */
  private readonly runs = new Map<string, Slot>();
  /** Calls the worker may cancel, by its id. */
  private readonly jobs = new Map<number, Job>();
  private readonly sweeper: NodeJS.Timeout;

  private readonly options: PoolOptions;

  constructor(options: PoolOptions) {
    this.options = options;
    this.sweeper = setInterval(() => this.sweep(), 30_000);
    this.sweeper.unref();
  }

  /** Runs one call; resolves with the guest's JSON text or rejects with a CallError. */
  call(call: SandboxCall, options: { id?: number; listener?: QueueListener } = {}): Promise<string> {
    return new Promise<string>((resolve, reject) => {
      const job: Job = { call, id: options.id, listener: options.listener, since: Date.now(), queued: false, resolve, reject };
      if (job.id !== undefined) this.jobs.set(job.id, job);
      const group = this.groupFor(call.memoryMb);
      group.waiting.push(job);
      this.pump(group);
    });
  }

  /** Stops a call now: one still waiting never starts; a running one has its isolate replaced. */
  cancel(id: number): void {
    const job = this.jobs.get(id);
    if (!job) return;
    const group = this.groups.get(job.call.memoryMb);
    if (!group) return;
    const at = group.waiting.indexOf(job);
    if (at >= 0) {
      group.waiting.splice(at, 1);
      this.jobs.delete(id);
      job.reject(new CallError(CANCELLED));
      return;
    }
    const slot = group.slots.find((s) => s.running?.job === job);
    if (!slot) return;
    slot.running!.cancelled = true;
    this.replaceHeap(slot);
  }

  private groupFor(memoryMb: number): Group {
    let group = this.groups.get(memoryMb);
    if (!group) {
      group = { slots: Array.from({ length: this.options.isolatesPerGroup }, () => new Slot(memoryMb)), waiting: [] };
      this.groups.set(memoryMb, group);
    }
    return group;
  }

  /** Starts every waiting call that has a slot to go to, oldest first. */
  private pump(group: Group): void {
    clearTimeout(group.timer);
    group.timer = undefined;
    const now = Date.now();
    let recheckAt = Infinity;
    for (const job of [...group.waiting]) {
      const patientUntil = job.since + PATIENCE_MS;
      const home = this.runs.get(job.call.runId);
      const own = home && group.slots.includes(home) ? home : undefined;
      let slot: Slot | undefined;
      if (own && !own.running) {
        slot = own;
      } else if (own && now < Math.min(patientUntil, own.running!.startedAt + PATIENCE_MS)) {
        // Its context's isolate is busy with a call that may end any moment.
        recheckAt = Math.min(recheckAt, patientUntil, own.running!.startedAt + PATIENCE_MS);
        continue;
      } else {
        slot = this.idleSlot(group);
        // A new isolate only when none is about to be free.
        const allLong = group.slots.every((s) => s.running && now >= s.running.startedAt + PATIENCE_MS);
        if (!slot && group.slots.length < this.options.maxIsolatesPerGroup && (now >= patientUntil || allLong)) {
          slot = new Slot(job.call.memoryMb);
          group.slots.push(slot);
        }
        if (!slot && group.slots.length < this.options.maxIsolatesPerGroup) recheckAt = Math.min(recheckAt, patientUntil);
      }
      if (!slot) continue;
      group.waiting.splice(group.waiting.indexOf(job), 1);
      this.start(group, slot, job);
    }
    for (const job of group.waiting) {
      if (job.queued) continue;
      job.queued = true;
      job.listener?.queued();
    }
    if (recheckAt !== Infinity) group.timer = setTimeout(() => this.pump(group), Math.max(1, recheckAt - now));
  }

  /** A free slot, the one holding fewest contexts. */
  private idleSlot(group: Group): Slot | undefined {
    let best: Slot | undefined;
    for (const slot of group.slots) if (!slot.running && (!best || slot.heap.contexts.size < best.heap.contexts.size)) best = slot;
    return best;
  }

  private start(group: Group, slot: Slot, job: Job): void {
    const running = { job, startedAt: Date.now(), cancelled: false };
    slot.running = running;
    slot.lastUsed = running.startedAt;
    if (job.queued) job.listener?.started();
    const { runId } = job.call;
    const previous = this.runs.get(runId);
    if (previous && previous !== slot) this.dropContext(previous, runId);
    if (slot.heap.isolate.isDisposed || slot.heap.contextsCreated >= CONTEXTS_PER_ISOLATE_LIFE) this.replaceHeap(slot);
    this.runs.set(runId, slot);
    this.execute(slot, running)
      .then(job.resolve, job.reject)
      .finally(() => {
        if (job.id !== undefined) this.jobs.delete(job.id);
        slot.running = null;
        slot.lastUsed = Date.now();
        for (const moved of slot.releases) slot.heap.release(moved);
        slot.releases.clear();
        this.pump(group);
      });
  }

  private async execute(slot: Slot, running: NonNullable<Slot['running']>): Promise<string> {
    const heap = slot.heap;
    const { call } = running.job;
    try {
      return await this.callIn(slot, heap, call);
    } catch (error) {
      if (running.cancelled) throw new CallError(CANCELLED, { cause: error });
      if (error instanceof CallError) throw error;
      if (isMemoryLimit(error, heap)) {
        this.replaceHeap(slot);
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
  }

  private async callIn(slot: Slot, heap: Heap, call: SandboxCall): Promise<string> {
    const context = await heap.contextFor(call.runId, call.info, call.timeoutMs);
    const filename = call.kind === 'code' ? CODE_FILENAME : 'expressions.js';
    const target = call.program !== undefined ? await heap.program(context, call.programKey ?? call.program, call.program, filename, call.timeoutMs) : undefined;
    const busyBefore = heap.busyMs();
    const pending = context.dispatch.apply(undefined, [call.kind, target?.derefInto(), call.payload], {
      timeout: call.timeoutMs,
      result: { promise: true, copy: true },
    });
    let timer: NodeJS.Timeout | undefined;
    // isolated-vm's timeout normally ends the call. Still running past it, the guest
    // either waits on a promise (it has no timers and no I/O, so one pending now waits
    // for nothing and never settles), or computes. A computing guest gets a while longer
    // for the timeout to land (a long garbage collection delays it); some loops never
    // see it (allocation in a loop, with isolated-vm 7.0.1), and disposing of the isolate
    // does not stop those either: only the process ending does (see child.ts).
    const overdue = new Promise<never>((_, reject) => {
      timer = setTimeout(() => {
        if (heap.busyMs() - busyBefore <= call.timeoutMs / 2) {
          reject(new CallError({ kind: 'time', message: `did not finish within the ${call.timeoutMs} ms time limit: it was waiting for a promise that never settles` }));
          return;
        }
        timer = setTimeout(() => {
          this.replaceHeap(slot);
          reject(new CallError({ kind: 'time', message: `ran longer than the ${call.timeoutMs} ms time limit` }, { stuck: true }));
        }, STUCK_AFTER_MS);
      }, call.timeoutMs + SETTLE_SLACK_MS);
    });
    try {
      const value: unknown = await Promise.race([pending, overdue]);
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

  /** The slot's isolate is disposed (stopping whatever runs in it) and a new one takes its place. */
  private replaceHeap(slot: Slot): void {
    slot.renew();
    slot.releases.clear();
    this.forgetRunsOf(slot);
  }

  private forgetRunsOf(slot: Slot): void {
    for (const [runId, owner] of this.runs) if (owner === slot) this.runs.delete(runId);
  }

  /** Drops a run's context in a slot, once the slot's current call is over. */
  private dropContext(slot: Slot, runId: string): void {
    if (slot.running) slot.releases.add(runId);
    else slot.heap.release(runId);
  }

  release(runId: string): void {
    const slot = this.runs.get(runId);
    if (!slot) return;
    this.runs.delete(runId);
    this.dropContext(slot, runId);
  }

  private sweep(): void {
    const now = Date.now();
    for (const [memoryMb, group] of this.groups) {
      for (const slot of group.slots) {
        for (const [runId, context] of slot.heap.contexts) if (context.lastUsed < now - CONTEXT_IDLE_MS) this.release(runId);
      }
      // Isolates added while all were busy go once the rush is over.
      for (const slot of group.slots.slice(this.options.isolatesPerGroup)) {
        if (slot.running || slot.lastUsed >= now - EXTRA_IDLE_MS) continue;
        this.forgetRunsOf(slot);
        slot.heap.dispose();
        group.slots.splice(group.slots.indexOf(slot), 1);
      }
      // Each memory limit in use has isolates of its own; one no run has used for a while
      // goes, so workflows with many different limits cannot pile isolates up.
      const idle = group.waiting.length === 0 && group.slots.every((slot) => !slot.running && slot.heap.contexts.size === 0 && slot.lastUsed < now - GROUP_IDLE_MS);
      if (idle) {
        clearTimeout(group.timer);
        for (const slot of group.slots) slot.heap.dispose();
        this.groups.delete(memoryMb);
      }
    }
  }

  /** Each live isolate's heap and how many run contexts it holds (diagnostics, benchmarks). */
  stats(): { memoryMb: number; contexts: number; heapBytes: number; usedHeapBytes: number; externalBytes: number }[] {
    const out = [];
    for (const group of this.groups.values()) {
      for (const slot of group.slots) {
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
    for (const group of this.groups.values()) {
      clearTimeout(group.timer);
      for (const slot of group.slots) slot.heap.dispose();
    }
  }
}
