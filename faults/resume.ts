/**
 * Resume time: from the moment a worker is killed (or frozen) until each run it held moves
 * again — another worker checkpoints it (its `version` changes) or it ends. The runs a
 * worker holds are those whose lease it owns, and those whose graphile-worker job it has
 * locked but not started yet (its local queue). The job's payload is read from
 * graphile-worker's own table: its public `jobs` view leaves the payload out.
 */
import type pg from 'pg';

interface Held {
  runId: string;
  version: number;
  status: string;
}

export interface Takeover {
  worker: string;
  at: number;
  runs: number;
  /** Per run: ms until it moved again; null while it has not. */
  resumedAfterMs: (number | null)[];
}

const UNFINISHED = ['queued', 'running', 'waiting'];

export class ResumeWatch {
  readonly takeovers: Takeover[] = [];
  private readonly db: pg.Pool;
  private readonly watching = new Set<Promise<void>>();
  private stopped = false;

  constructor(db: pg.Pool) {
    this.db = db;
  }

  /** The runs `workerId` holds right now: call just before killing it. */
  async held(workerId: string): Promise<Held[]> {
    const { rows } = await this.db.query<{ id: string; version: number; status: string }>(
      `select r.id, r.version, r.status from runs r
       where r.status = any($2::text[]) and (r.lease_owner = $1 or r.id::text in (
         select j.payload->>'runId' from graphile_worker._private_jobs j
         where j.locked_by = any(coalesce((select w.lock_ids from worker_processes w where w.id = $1), '{}'))))`,
      [workerId, UNFINISHED],
    );
    return rows.map((row) => ({ runId: row.id, version: row.version, status: row.status }));
  }

  /** Follows `held` (read just before the kill at `at`) until each run has moved. */
  watch(worker: string, at: number, held: Held[]): Takeover {
    const takeover: Takeover = { worker, at, runs: held.length, resumedAfterMs: held.map(() => null) };
    this.takeovers.push(takeover);
    if (held.length === 0) return takeover;
    const following = (async () => {
      while (!this.stopped && takeover.resumedAfterMs.includes(null)) {
        await new Promise((resolve) => setTimeout(resolve, 100));
        const ids = held.filter((_, i) => takeover.resumedAfterMs[i] === null).map((h) => h.runId);
        const result = await this.db
          .query<{ id: string; version: number; status: string }>('select id, version, status from runs where id = any($1::uuid[])', [ids])
          .catch(() => null); // PostgreSQL restarting: look again at the next tick
        if (!result) continue;
        const now = Date.now();
        for (const row of result.rows) {
          const index = held.findIndex((h) => h.runId === row.id);
          if (row.version !== held[index]!.version || row.status !== held[index]!.status) takeover.resumedAfterMs[index] = now - at;
        }
      }
    })();
    this.watching.add(following);
    void following.finally(() => this.watching.delete(following));
    return takeover;
  }

  /** Stops following (runs not moved by now stay null: "never resumed" in the report). */
  async stop(): Promise<void> {
    this.stopped = true;
    await Promise.allSettled([...this.watching]);
  }

  /** Every run's resume time in ms (those that moved). */
  times(): number[] {
    return this.takeovers.flatMap((t) => t.resumedAfterMs.filter((ms): ms is number => ms !== null));
  }

  /** Runs held by a killed worker that never moved again while watched. */
  neverResumed(): number {
    return this.takeovers.reduce((sum, t) => sum + t.resumedAfterMs.filter((ms) => ms === null).length, 0);
  }
}
