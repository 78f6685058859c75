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
 *   timing.ts) ends the whole process, at once: a thread that cannot be stopped also
 *   keeps the process from exiting normally.
 * - Time limits are CPU time (timing.ts): a call is stopped when it has computed its
 *   limit, however long a busy machine made that take, within a backstop; one that the
 *   machine kept from computing it within the backstop fails as `busy`, which the
 *   worker's runtime retries.
 */
import type { SandboxCall } from './protocol.ts';
import { CallError, CODE_FILENAME, Heap } from './heap.ts';
import { CoreShare } from './share.ts';
import { backstopMs, isTimeout, timed, type Watch } from './timing.ts';

export { CallError } from './heap.ts';

/** A context whose run has not called for this long is dropped (the worker normally releases it). */
const CONTEXT_IDLE_MS = 5 * 60_000;
/** Isolates of a memory limit no run has used for this long are disposed. */
const GROUP_IDLE_MS = 2 * 60_000;
/** Isolates added while all were busy are disposed after sitting idle this long. */
const EXTRA_IDLE_MS = 30_000;
/** Isolates are replaced after this many contexts, so no heap lives forever. */
const CONTEXTS_PER_ISOLATE_LIFE = 20_000;
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
  /** Guest code that cannot be stopped burns on in this process: end it now (see child.ts). */
  retire(reason: string): void;
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

interface Running {
  job: Job;
  startedAt: number;
  cancelled: boolean;
  /** The run of the call being watched now (see timing.ts). */
  watch?: Watch;
}

/** A place in a group: the heap in it is replaced when it dies. */
class Slot {
  heap: Heap;
  running: Running | null = null;
  lastUsed = Date.now();
  /** Runs whose context here goes once the call running now is over. */
  readonly releases = new Set<string>();

  readonly memoryMb: number;
  private readonly onCatastrophic: (slot: Slot, heap: Heap, message: string) => void;

  constructor(memoryMb: number, onCatastrophic: (slot: Slot, heap: Heap, message: string) => void) {
    this.memoryMb = memoryMb;
    this.onCatastrophic = onCatastrophic;
    this.heap = this.newHeap();
  }

  private newHeap(): Heap {
    const heap: Heap = new Heap(this.memoryMb, (message) => this.onCatastrophic(this, heap, message));
    return heap;
  }

  renew(): void {
    this.heap.dispose();
    this.heap = this.newHeap();
  }
}

interface Group {
  slots: Slot[];
  /** Calls not started yet, oldest first. */
  waiting: Job[];
  timer?: NodeJS.Timeout;
}

function isMemoryLimit(error: unknown, heap: Heap): boolean {
  return heap.lostToMemoryLimit || (error instanceof Error && /memory limit|out of memory|array buffer allocation failed/i.test(error.message));
}


const CANCELLED = { kind: 'cancelled', message: 'was cancelled' } as const;

export class IsolatePool {
  private readonly groups = new Map<number, Group>();
  /** Which slot holds each run's context. */
  private readonly runs = new Map<string, Slot>();
  /** Calls the worker may cancel, by its id. */
  private readonly jobs = new Map<number, Job>();
  private readonly sweeper: NodeJS.Timeout;
  private readonly share = new CoreShare();

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

  private newSlot(memoryMb: number): Slot {
    return new Slot(memoryMb, (slot, heap, message) => this.catastrophic(slot, heap, message));
  }

  /**
   * isolated-vm gave up on an isolate: code in it did not stop within seconds of being
   * told to. The call it was running (if the isolate is still that slot's) fails as code
   * that cannot be stopped, and the process ends either way.
   */
  private catastrophic(slot: Slot, heap: Heap, message: string): void {
    process.stderr.write(`sandbox: isolated-vm could not stop guest code (${message})\n`);
    const watch = slot.heap === heap ? slot.running?.watch : undefined;
    if (watch) watch.giveUp();
    else this.options.retire(`isolated-vm could not stop guest code (${message})`);
  }

  private groupFor(memoryMb: number): Group {
    let group = this.groups.get(memoryMb);
    if (!group) {
      group = { slots: Array.from({ length: this.options.isolatesPerGroup }, () => this.newSlot(memoryMb)), waiting: [] };
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
          slot = this.newSlot(job.call.memoryMb);
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
    const running: Running = { job, startedAt: Date.now(), cancelled: false };
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

  private async execute(slot: Slot, running: Running): Promise<string> {
    const heap = slot.heap;
    const { call } = running.job;
    try {
      return await this.callIn(slot, running);
    } catch (error) {
      // Code that cannot be stopped ends the process, cancelled or not.
      if (error instanceof CallError && error.stuck) throw error;
      if (running.cancelled) throw new CallError(CANCELLED, { cause: error });
      if (error instanceof CallError) {
        // A context interrupted mid-way may hold half-done state: the run gets a new one.
        // (Code that cannot be stopped ends the process: nothing to tidy then.)
        if ((error.failure.kind === 'time' || error.failure.kind === 'busy') && !error.stuck) heap.release(call.runId);
        throw error;
      }
      if (isMemoryLimit(error, heap)) {
        this.replaceHeap(slot);
        throw new CallError({ kind: 'memory', message: `used more memory than the ${call.memoryMb} MB limit` }, { cause: error });
      }
      heap.release(call.runId);
      // Only a new context's setup (Junction's own code, no user code) has a timeout outside `timed`.
      if (isTimeout(error)) {
        throw new CallError({ kind: 'busy', message: 'could not finish because the machine was too busy (setting up its sandbox context took too long)' }, { cause: error });
      }
      // The guest runtime answers every error of user code itself; what still escapes
      // is a promise the code rejected and left unhandled, which isolated-vm reports.
      const message = error instanceof Error ? `${error.name === 'Error' ? '' : `${error.name}: `}${error.message}` : String(error);
      throw new CallError({ kind: 'rejection', message }, { cause: error });
    }
  }

  /** Runs a call in the slot's isolate, watched for its limits (see timing.ts). */
  private async callIn(slot: Slot, running: Running): Promise<string> {
    const { call } = running.job;
    const heap = slot.heap;
    const context = await heap.contextFor(call.runId, call.info);
    const filename = call.kind === 'code' ? CODE_FILENAME : 'expressions.js';
    const timeout = backstopMs(call.timeoutMs);
    const value: unknown = await timed(
      heap,
      this.share,
      { limitMs: call.timeoutMs, memoryMb: call.memoryMb, canWait: call.kind === 'code' },
      async (dispatching) => {
        const target = call.program !== undefined ? await heap.program(context, call.programKey ?? call.program, call.program, filename, timeout) : undefined;
        dispatching();
        return context.dispatch.apply(undefined, [call.kind, target?.derefInto(), call.payload], { timeout, result: { promise: true, copy: true } });
      },
      () => {
        if (slot.heap === heap) this.replaceHeap(slot);
      },
      (watch) => (running.watch = watch),
    );
    if (typeof value !== 'string') throw new CallError({ kind: 'internal', message: 'the sandbox runtime returned something other than text' });
    return value;
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
    this.share.close();
    for (const group of this.groups.values()) {
      clearTimeout(group.timer);
      for (const slot of group.slots) slot.heap.dispose();
    }
  }
}
