/**
 * What a run and its steps record, as the runtime writes them and every reader (API,
 * editor, the runtime's own pure core) reads them.
 */
import type { StepErrorRecord } from './errors.ts';
import type { JsonObject, PortItems, Resumption, WaitRequest } from './types.ts';

export const RUN_STATUSES = ['queued', 'running', 'waiting', 'succeeded', 'failed', 'cancelled'] as const;
export type RunStatus = (typeof RUN_STATUSES)[number];
export const FINISHED_RUN_STATUSES: readonly RunStatus[] = ['succeeded', 'failed', 'cancelled'];

export const STEP_STATUSES = ['running', 'retrying', 'waiting', 'succeeded', 'failed', 'skipped'] as const;
export type StepStatus = (typeof STEP_STATUSES)[number];

/** One attempt of a step, in its history. */
export interface AttemptRecord {
  attempt: number;
  startedAt: string;
  finishedAt?: string;
  /**
   * `interrupted`: the worker stopped during this attempt (killed, or shut down); the next
   * attempt ran the step again. `waiting`: the step waits (see StepWaitRecord).
   */
  status: 'succeeded' | 'failed' | 'running' | 'interrupted' | 'waiting';
  error?: StepErrorRecord;
  /** Console output of user code in this attempt (bounded by JUNCTION_SANDBOX_LOG_LIMIT). */
  logs?: { level: string; message: string }[];
}

/** A step's row as the runtime writes it (snake_case: it goes to SQL as JSON, column for column). */
export interface StepRecord {
  node_id: string;
  status: StepStatus;
  attempt: number;
  output: PortItems | null;
  error: StepErrorRecord | null;
  attempts: AttemptRecord[];
  position: number;
  started_at: string | null;
  finished_at: string | null;
  next_attempt_at: string | null;
  /** While the step waits (status `waiting`), and after: what for, until when, and how it woke. */
  wait: StepWaitRecord | null;
}

/** A waiting step's record: its request, since when, and (once it woke) how. */
export interface StepWaitRecord extends WaitRequest {
  since: string;
  state?: JsonObject;
  resumed?: Resumption;
}
