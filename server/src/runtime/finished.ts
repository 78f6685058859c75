/**
 * Waiting for runs to finish. A webhook that answers with the run's result registers
 * its wait before the run is enqueued (with an id chosen beforehand), so no ending can
 * slip past it. The end arrives either directly from a worker in this same process, or
 * through `junction_run_finished` notifications (status, and the output when small)
 * when another process ran it.
 */
import { FINISHED_RUN_STATUSES, type RunStatus } from '../db/schema.ts';
import { log } from '../log.ts';
import { RUN_FINISHED_CHANNEL, type RunFinishedNotice } from '../db/queries/notifications.ts';
import type { Listener } from '../db/listener.ts';


export class FinishedRuns {
  private readonly waiters = new Map<string, Set<(notice: RunFinishedNotice) => void>>();
  private readonly unsubscribe: () => void;

  constructor(listener: Listener) {
    this.unsubscribe = listener.on(RUN_FINISHED_CHANNEL, (payload) => {
      let notice: RunFinishedNotice;
      try {
        notice = JSON.parse(payload) as RunFinishedNotice;
      } catch (error) {
        log.warn('ignoring a malformed run-finished notification', { error: (error as Error).message });
        return;
      }
      // A cancel of a run in flight announces "running" (cancelling): its end comes later.
      if (FINISHED_RUN_STATUSES.includes(notice.status as RunStatus)) this.deliver(notice);
    });
  }

  /** True when a webhook of this process waits for the run. */
  isWaiting(runId: string): boolean {
    return this.waiters.has(runId);
  }

  /** Ends the waits for a run. */
  deliver(notice: RunFinishedNotice): void {
    for (const wake of this.waiters.get(notice.id) ?? []) wake(notice);
    this.waiters.delete(notice.id);
  }

  /** Resolves with the run's notice when it finishes, or null after `timeoutMs`. */
  wait(runId: string, timeoutMs: number): Promise<RunFinishedNotice | null> {
    return new Promise((resolve) => {
      let set = this.waiters.get(runId);
      if (!set) this.waiters.set(runId, (set = new Set()));
      const wake = (notice: RunFinishedNotice) => {
        clearTimeout(timer);
        resolve(notice);
      };
      const timer = setTimeout(() => {
        set.delete(wake);
        if (set.size === 0) this.waiters.delete(runId);
        resolve(null);
      }, timeoutMs);
      set.add(wake);
    });
  }

  close(): void {
    this.unsubscribe();
  }
}
