/**
 * Live progress of runs someone watches (the editor), across processes.
 *
 * Publishing costs a NOTIFY, and the runtime batches pure steps into one checkpoint to
 * keep a run to a few commits (B1), so progress is published only for runs flagged
 * `watched` — started from the editor, or opened live by one (run events set the flag).
 * Every other run is followed by reading its row (see api/run-events.ts).
 *
 * Worker side: the executor makes a `ProgressPublisher` for a watched run and tells it
 * each step's state change; events go out in order, batched into as few NOTIFYs as fit.
 * API side: `RunProgress` listens on the channel and hands each run's events to the
 * streams that follow it.
 *
 * Events carry statuses and item counts, never items: data stays in the checkpoint.
 */
import type pg from 'pg';
import type { PortItems, StepErrorRecord } from '@junction/nodes';
import type { RunStatus, StepStatus } from '@junction/nodes';
import { notify, RUN_PROGRESS_CHANNEL } from '../db/queries/notifications.ts';
import { log } from '../log.ts';
import type { Listener } from '../db/listener.ts';

/** NOTIFY payloads must stay under 8000 bytes. */
const PAYLOAD_LIMIT = 7000;
const MESSAGE_LIMIT = 500;

export type ProgressEvent =
  | {
      type: 'step';
      nodeId: string;
      status: StepStatus;
      attempt: number;
      counts: Record<string, number>;
      error: { name: string; message: string } | null;
    }
  | { type: 'run'; status: RunStatus };

interface Notice {
  runId: string;
  events: ProgressEvent[];
}

export function countsOf(output: PortItems | null | undefined): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const [port, items] of Object.entries(output ?? {})) counts[port] = Array.isArray(items) ? items.length : 0;
  return counts;
}

export function stepEvent(nodeId: string, status: StepStatus, attempt: number, output: PortItems | null, error: StepErrorRecord | null): ProgressEvent {
  return {
    type: 'step',
    nodeId,
    status,
    attempt,
    counts: countsOf(output),
    error: error ? { name: error.name, message: error.message.slice(0, MESSAGE_LIMIT) } : null,
  };
}

/** Publishes one watched run's progress, in order, never holding up the run. */
export class ProgressPublisher {
  private readonly pool: pg.Pool;
  private readonly runId: string;
  private queue: ProgressEvent[] = [];
  private flushing: Promise<void> | null = null;

  constructor(pool: pg.Pool, runId: string) {
    this.pool = pool;
    this.runId = runId;
  }

  publish(event: ProgressEvent): void {
    this.queue.push(event);
    this.flushing ??= this.flush();
  }

  /** Resolves when everything published so far has been sent. */
  drain(): Promise<void> {
    return this.flushing ?? Promise.resolve();
  }

  private async flush(): Promise<void> {
    // Let the events of the same tick (a planning pass's skips, a batch of results) join.
    await Promise.resolve();
    while (this.queue.length > 0) {
      const batch: ProgressEvent[] = [];
      let size = 100;
      while (this.queue.length > 0) {
        const length = JSON.stringify(this.queue[0]).length + 1;
        if (batch.length > 0 && size + length > PAYLOAD_LIMIT) break;
        batch.push(this.queue.shift()!);
        size += length;
      }
      const notice: Notice = { runId: this.runId, events: batch };
      try {
        await notify(this.pool, RUN_PROGRESS_CHANNEL, JSON.stringify(notice));
      } catch (error) {
        // Progress is a courtesy to a watcher, who also reads the run row: never fail the run for it.
        log.warn('could not publish run progress', { runId: this.runId, error: (error as Error).message });
      }
    }
    this.flushing = null;
  }
}

export interface ProgressSubscriber {
  events(events: ProgressEvent[]): void;
  /** The process is stopping: end the stream. */
  close(): void;
}

/** How long, and how many of, a watched run's latest events are kept for a stream opened late. */
const RECENT_MS = 60_000;
const RECENT_EVENTS = 500;

/**
 * The API side: hands each watched run's events to the streams following it. A stream
 * opened a moment after its run started (the editor starts a run, then follows it) would
 * miss what was published meanwhile, and the run's row shows it only at the next
 * checkpoint: so each watched run's latest events are kept a minute and handed to a new
 * stream first.
 */
export class RunProgress {
  private readonly subscribers = new Map<string, Set<ProgressSubscriber>>();
  private readonly recent = new Map<string, { at: number; events: ProgressEvent[] }>();
  private readonly unsubscribe: () => void;

  constructor(listener: Listener) {
    this.unsubscribe = listener.on(RUN_PROGRESS_CHANNEL, (payload) => {
      let notice: Notice;
      try {
        notice = JSON.parse(payload) as Notice;
      } catch (error) {
        log.warn('ignoring a malformed run progress notification', { error: (error as Error).message });
        return;
      }
      this.remember(notice);
      for (const subscriber of this.subscribers.get(notice.runId) ?? []) subscriber.events(notice.events);
    });
  }

  private remember(notice: Notice): void {
    const now = Date.now();
    for (const [runId, kept] of this.recent) {
      if (now - kept.at <= RECENT_MS) break; // kept in the order last published
      this.recent.delete(runId);
    }
    const kept = this.recent.get(notice.runId) ?? { at: now, events: [] };
    this.recent.delete(notice.runId);
    kept.at = now;
    kept.events.push(...notice.events);
    if (kept.events.length > RECENT_EVENTS) kept.events.splice(0, kept.events.length - RECENT_EVENTS);
    this.recent.set(notice.runId, kept);
  }

  subscribe(runId: string, subscriber: ProgressSubscriber): () => void {
    const kept = this.recent.get(runId);
    if (kept && Date.now() - kept.at <= RECENT_MS) subscriber.events([...kept.events]);
    let set = this.subscribers.get(runId);
    if (!set) this.subscribers.set(runId, (set = new Set()));
    set.add(subscriber);
    return () => {
      set.delete(subscriber);
      if (set.size === 0) this.subscribers.delete(runId);
    };
  }

  /** Ends every stream (the server is stopping). */
  close(): void {
    this.unsubscribe();
    for (const set of this.subscribers.values()) for (const subscriber of set) subscriber.close();
    this.subscribers.clear();
    this.recent.clear();
  }
}
