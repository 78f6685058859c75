/**
 * What a run and its steps record, as the runtime writes them and every reader (API,
 * editor, the runtime's own pure core) reads them.
 */
import type { Attempt } from '../contract/runs.ts';
import type { StepStatus } from '../contract/statuses.ts';
import type { StepErrorRecord } from './errors.ts';
import type { JsonObject, PortItems, Resumption, WaitRequest } from './types.ts';

export { FINISHED_RUN_STATUSES, RUN_STATUSES, STEP_STATUSES, type RunStatus, type StepStatus } from '../contract/statuses.ts';

/** One attempt of a step, in its history (the API's `Attempt`). */
export type AttemptRecord = Attempt;

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
