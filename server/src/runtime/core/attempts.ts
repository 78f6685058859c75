/**
 * Pure decisions about a step's attempts: what an attempt cut short by a stopped worker
 * leaves in history, and whether a failed attempt gets another. No I/O here.
 */
import { backoffDelay, type AttemptRecord, type RetryPolicy, type StepErrorRecord } from '@junction/nodes';

/** What an attempt the worker never finished records: it may have reached outside systems. */
export const INTERRUPTED: StepErrorRecord = {
  name: 'Interrupted',
  message: 'The worker stopped during this attempt (it was killed, lost, or shut down); the step ran again with the same idempotency key',
  retriable: true,
};

/** A step that stops its worker this many times (out of memory, say) is not run again. */
export const MAX_INTERRUPTIONS = 5;

/** A transient failure (the machine's, not the step's) is retried this many times whatever the node's policy. */
export const TRANSIENT_RETRIES = 3;
const TRANSIENT_BACKOFF: RetryPolicy = { maxAttempts: TRANSIENT_RETRIES + 1, backoffMs: 500, maxBackoffMs: 5000 };

/** The attempts with those a stopped worker left `running` recorded as interrupted. */
export function markInterrupted(attempts: readonly AttemptRecord[]): AttemptRecord[] {
  return attempts.map((attempt) => (attempt.status === 'running' ? { ...attempt, status: 'interrupted', error: INTERRUPTED } : attempt));
}

export function interruptions(attempts: readonly AttemptRecord[]): number {
  return attempts.filter((attempt) => attempt.status === 'interrupted').length;
}

/** The error of a step that stopped its worker too often. */
export function tooManyInterruptions(count: number): StepErrorRecord {
  return {
    name: 'Interrupted',
    message: `The worker stopped during this step ${count} times (killed, out of memory, or shut down); it is not run again. Look at what the step does with its data, then retry the run`,
    retriable: false,
  };
}

/**
 * When a failed attempt runs again, or null when it does not: the node's retry policy
 * counts the attempts the step itself made (interrupted ones are not its doing); a
 * transient failure gets a few more whatever the policy.
 */
export function nextAttemptDelay(attempts: readonly AttemptRecord[], error: StepErrorRecord, policy: RetryPolicy | undefined): number | null {
  if (!error.retriable) return null;
  if (error.transient) {
    const transient = attempts.filter((attempt) => attempt.error?.transient).length;
    if (transient <= TRANSIENT_RETRIES) return backoffDelay(TRANSIENT_BACKOFF, transient + 1);
  }
  const made = attempts.filter((attempt) => attempt.status !== 'interrupted').length;
  if (!policy || made >= policy.maxAttempts) return null;
  return backoffDelay(policy, made + 1);
}
