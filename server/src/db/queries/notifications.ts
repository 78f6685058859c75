/**
 * PostgreSQL NOTIFY channels between Junction's processes, and sending on them. (The
 * checkpoint and cancel statements notify inside their own SQL; see checkpoint.ts, runs.ts.)
 */
import type pg from 'pg';

/** A run ended: a webhook waiting for it answers (payload: RunFinishedNotice). */
export const RUN_FINISHED_CHANNEL = 'junction_run_finished';
/** A run is to be cancelled: the worker holding it aborts the step in flight (payload: the run id). */
export const RUN_CANCEL_CHANNEL = 'junction_run_cancel';
/** Progress of watched runs, for the editor's live view (payload: see runtime/progress.ts). */
export const RUN_PROGRESS_CHANNEL = 'junction_run_progress';

/** What `junction_run_finished` carries. */
export interface RunFinishedNotice {
  id: string;
  status: string;
  output?: unknown;
  error?: unknown;
  /** output and error are both included (they were small enough). */
  complete?: boolean;
}

export async function notify(pool: pg.Pool, channel: string, payload: string): Promise<void> {
  await pool.query('select pg_notify($1, $2)', [channel, payload]);
}
