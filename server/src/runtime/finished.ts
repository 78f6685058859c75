/**
 * Waiting for runs to finish, across processes: the worker's final checkpoint notifies
 * `junction_run_finished`; every API process hears it through its Listener. Runs that
 * finished in the last seconds are remembered, so a wait that starts after the
 * notification arrived still ends at once.
 */
import { RUN_FINISHED_CHANNEL } from './checkpoint.ts';
import type { Listener } from './listener.ts';

const RECENT_MS = 60_000;

export class FinishedRuns {
  private readonly waiters = new Map<string, Set<() => void>>();
  private readonly recent = new Map<string, number>();
  private readonly unsubscribe: () => void;

  constructor(listener: Listener) {
    this.unsubscribe = listener.on(RUN_FINISHED_CHANNEL, (runId) => this.finished(runId));
  }

  private finished(runId: string): void {
    const now = Date.now();
    this.recent.set(runId, now);
    // Map keeps insertion order: drop the expired entries from the front.
    for (const [id, at] of this.recent) {
      if (now - at < RECENT_MS) break;
      this.recent.delete(id);
    }
    for (const wake of this.waiters.get(runId) ?? []) wake();
    this.waiters.delete(runId);
  }

  /** Resolves true when the run finishes, false after `timeoutMs`. */
  wait(runId: string, timeoutMs: number): Promise<boolean> {
    if (this.recent.has(runId)) return Promise.resolve(true);
    return new Promise((resolve) => {
      let set = this.waiters.get(runId);
      if (!set) this.waiters.set(runId, (set = new Set()));
      const wake = () => {
        clearTimeout(timer);
        resolve(true);
      };
      const timer = setTimeout(() => {
        set.delete(wake);
        if (set.size === 0) this.waiters.delete(runId);
        resolve(false);
      }, timeoutMs);
      set.add(wake);
    });
  }

  close(): void {
    this.unsubscribe();
  }
}
