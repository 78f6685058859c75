/**
 * Waiting for runs to finish, across processes: the worker's final checkpoint notifies
 * `junction_run_finished` (with the run's status, and its output when small); every API
 * process hears it through its Listener. Runs that finished in the last minute are
 * remembered, so a wait that starts after the notification arrived still ends at once.
 */
import { log } from '../log.ts';
import { RUN_FINISHED_CHANNEL, type RunFinishedNotice } from './checkpoint.ts';
import type { Listener } from './listener.ts';

const RECENT_MS = 60_000;

export class FinishedRuns {
  private readonly waiters = new Map<string, Set<(notice: RunFinishedNotice) => void>>();
  private readonly recent = new Map<string, { at: number; notice: RunFinishedNotice }>();
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
      // Only a cancel that finished the run says "cancelled"; "running" means cancelling.
      if (notice.status === 'cancelled' || notice.status === 'succeeded' || notice.status === 'failed') this.finished(notice);
    });
  }

  private finished(notice: RunFinishedNotice): void {
    const now = Date.now();
    this.recent.set(notice.id, { at: now, notice });
    // Map keeps insertion order: drop the expired entries from the front.
    for (const [id, entry] of this.recent) {
      if (now - entry.at < RECENT_MS) break;
      this.recent.delete(id);
    }
    for (const wake of this.waiters.get(notice.id) ?? []) wake(notice);
    this.waiters.delete(notice.id);
  }

  /** Resolves with the run's notice when it finishes, or null after `timeoutMs`. */
  wait(runId: string, timeoutMs: number): Promise<RunFinishedNotice | null> {
    const recent = this.recent.get(runId);
    if (recent) return Promise.resolve(recent.notice);
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
