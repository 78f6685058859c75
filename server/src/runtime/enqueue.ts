/**
 * Group commit for triggers. Every commit that enqueues a graphile-worker job sends a
 * NOTIFY, and PostgreSQL serialises NOTIFYing commits behind one global lock; so under
 * load, runs that arrive while a batch is being committed wait and go together in the
 * next one. With nothing in flight a run is committed at once: no added latency when idle.
 */
import type pg from 'pg';
import { insertRuns, type NewRun } from '../db/queries/runs.ts';

const MAX_BATCH = 500;

interface Waiting {
  run: NewRun;
  resolve(id: string): void;
  reject(error: unknown): void;
}

export class RunEnqueuer {
  private readonly pool: pg.Pool;
  private queue: Waiting[] = [];
  private flushing = false;

  constructor(pool: pg.Pool) {
    this.pool = pool;
  }

  /** Resolves with the run id once the run and its job are committed. */
  enqueue(run: NewRun): Promise<string> {
    return new Promise((resolve, reject) => {
      this.queue.push({ run, resolve, reject });
      if (!this.flushing) void this.flush();
    });
  }

  private async flush(): Promise<void> {
    this.flushing = true;
    while (this.queue.length > 0) {
      const batch = this.queue.splice(0, MAX_BATCH);
      try {
        const ids = await insertRuns(this.pool, batch.map((w) => w.run));
        batch.forEach((waiting, i) => waiting.resolve(ids[i]!));
      } catch (error) {
        if (batch.length === 1) {
          batch[0]!.reject(error);
          continue;
        }
        // One bad run must not fail the others: commit them one by one.
        await Promise.all(
          batch.map((waiting) => insertRuns(this.pool, [waiting.run]).then((ids) => waiting.resolve(ids[0]!), waiting.reject)),
        );
      }
    }
    this.flushing = false;
  }
}
