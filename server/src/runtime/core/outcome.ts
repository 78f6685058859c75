/**
 * Pure decisions about what a step's attempt means for the run: its record (succeeded,
 * retrying at a time, failed — with its items carried on when the node continues on
 * error), what a run that stops records for its unfinished steps, and what a run
 * answers with. No I/O here; `execute.ts` does that.
 */
import type { AttemptRecord, Item, PortItems, RetryPolicy, StepErrorRecord, StepRecord, StepStatus, StepWaitRecord, WaitRequest } from '@junction/nodes';
import { nextAttemptDelay } from './attempts.ts';
import type { ReadyStep } from './plan.ts';

export type StopReason = 'cancel' | 'timeout' | 'shutdown';

/** What one attempt of a step gave. */
export interface AttemptResult {
  step: ReadyStep;
  /** The items the step received. */
  items: readonly Item[];
  startedAt: Date;
  finishedAt: Date;
  /** Console output of user code in this attempt. */
  logs: NonNullable<AttemptRecord['logs']>;
  output?: PortItems;
  error?: StepErrorRecord;
  /** The step asked to wait. */
  wait?: WaitRequest;
  /** Cut short by cancel, timeout or shutdown. */
  interrupted: boolean;
}

export interface OutcomeContext {
  /** The step's attempts recorded so far. */
  attempts: readonly AttemptRecord[];
  /** The node's retry policy (its own, else its type's). */
  policy: RetryPolicy | undefined;
  /** `onError: "continue"`: a failure is recorded and the items go on, each with the error. */
  continueOnError: boolean;
  /** The port failed items go on through when continuing on error. */
  firstPort: string | undefined;
  now: Date;
}

/** The fields of a step's record after an attempt. */
export type StepOutcome = Pick<StepRecord, 'status' | 'attempt' | 'output' | 'error' | 'attempts' | 'started_at' | 'finished_at' | 'next_attempt_at'> & { wait?: StepWaitRecord | null };

export function stepOutcome(result: AttemptResult, context: OutcomeContext): StepOutcome {
  const { step } = result;
  const attempts = context.attempts.filter((a) => a.attempt !== step.attempt);
  const times = { started_at: result.startedAt.toISOString(), finished_at: result.finishedAt.toISOString() };
  const logs = result.logs.length > 0 ? { logs: result.logs } : {};
  if (result.wait) {
    // The attempt goes on when the step wakes; the wait keeps its request, since when, and the step's state.
    attempts.push({ attempt: step.attempt, startedAt: times.started_at, status: 'waiting', ...logs });
    const wait: StepWaitRecord = { ...result.wait, since: times.finished_at };
    return { status: 'waiting', attempt: step.attempt, output: null, error: null, attempts, started_at: times.started_at, finished_at: null, next_attempt_at: null, wait };
  }
  if (result.output) {
    attempts.push({ attempt: step.attempt, startedAt: times.started_at, finishedAt: times.finished_at, status: 'succeeded', ...logs });
    return { status: 'succeeded', attempt: step.attempt, output: result.output, error: null, attempts, ...times, next_attempt_at: null };
  }
  const error = result.error!;
  attempts.push({ attempt: step.attempt, startedAt: times.started_at, finishedAt: times.finished_at, status: 'failed', error, ...logs });
  const delay = result.interrupted ? null : nextAttemptDelay(attempts, error, context.policy);
  if (delay !== null) {
    const next = new Date(context.now.getTime() + delay).toISOString();
    return { status: 'retrying', attempt: step.attempt, output: null, error, attempts, ...times, next_attempt_at: next };
  }
  const output: PortItems | null =
    context.continueOnError && context.firstPort
      ? { [context.firstPort]: result.items.map((item, i) => ({ json: { ...item.json, error: { name: error.name, message: error.message } }, pairedItem: i })) }
      : null;
  return { status: 'failed', attempt: step.attempt, output, error, attempts, ...times, next_attempt_at: null };
}

export function stopError(reason: StopReason): StepErrorRecord {
  switch (reason) {
    case 'cancel':
      return { name: 'Cancelled', message: 'The run was cancelled', retriable: false };
    case 'timeout':
      return { name: 'Timeout', message: "The run took longer than the workflow's time limit", retriable: false };
    case 'shutdown':
      return { name: 'Interrupted', message: 'The worker stopped during this step; it runs again', retriable: true };
  }
}

/** A step still running, waiting, or waiting for its next attempt when the run ends does not get one: these fail. */
export function unfinishedSteps(steps: ReadonlyMap<string, { status: StepStatus; attempt: number }>): { nodeId: string; attempt: number }[] {
  return [...steps]
    .filter(([, state]) => state.status === 'running' || state.status === 'retrying' || state.status === 'waiting')
    .map(([nodeId, state]) => ({ nodeId, attempt: state.attempt }));
}

/** The step whose items are the run's output (what a waiting webhook answers with): the last one, by position, that emitted any. */
export function lastOutputStep(steps: Iterable<[string, { status: StepStatus; counts: Readonly<Record<string, number>> | null; position: number }]>): string | null {
  let best: { position: number; nodeId: string } | null = null;
  for (const [nodeId, state] of steps) {
    if (state.status !== 'succeeded' || !state.counts) continue;
    const emitted = Object.values(state.counts).some((count) => count > 0);
    if (emitted && (!best || state.position > best.position)) best = { position: state.position, nodeId };
  }
  return best?.nodeId ?? null;
}

/**
 * A result PostgreSQL refused to store (or that is over the step data limit): the error
 * recorded, and the steps that fail with it — the culprit when known, else every step
 * whose result was waiting to be stored (any of them may be the one). Their attempts lose
 * their logs and errors too: any of those may be what could not be stored.
 */
export function unstorable(pending: readonly StepRecord[], culprit: string | undefined, cause: string): { error: StepErrorRecord; failed: StepRecord[] } {
  const error: StepErrorRecord = { name: 'StorageError', message: `The step's result could not be stored: ${cause.slice(0, 300)}`, retriable: false };
  const failed = pending
    .filter((record) => (record.output !== null || record.error !== null) && (!culprit || record.node_id === culprit))
    .map((record) => ({
      ...record,
      status: 'failed' as const,
      output: null,
      error,
      attempts: record.attempts.map(({ attempt, startedAt, finishedAt }) => ({ attempt, startedAt, finishedAt, status: 'failed' as const, error })),
    }));
  return { error, failed };
}
