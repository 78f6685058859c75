/**
 * Pure decisions of timed triggers: which of the instants a schedule named since its job
 * was due still fire (firings missed while Junction was stopped, per the node's policy),
 * and what a firing does while the workflow's previous run is still going.
 */

/** A firing handled within this long of its instant is on time; an older one was missed. */
export const ON_TIME_MS = 60_000;

export interface MissedPolicy {
  missed: 'latest' | 'none' | 'all';
  catchUpLimit: number;
}

export interface Firing {
  at: Date;
  /** Missed while Junction was stopped, and run late. */
  late: boolean;
}

/** `due`: every instant from the job's own up to now, oldest first. */
export function firingsToRun(due: readonly Date[], now: Date, policy: MissedPolicy): Firing[] {
  const onTime = due.filter((at) => now.getTime() - at.getTime() <= ON_TIME_MS).map((at) => ({ at, late: false }));
  const missed = due.filter((at) => now.getTime() - at.getTime() > ON_TIME_MS).map((at) => ({ at, late: true }));
  switch (policy.missed) {
    case 'none':
      return onTime;
    case 'latest':
      return onTime.length > 0 || missed.length === 0 ? onTime : [missed[missed.length - 1]!];
    case 'all':
      return [...missed.slice(-policy.catchUpLimit), ...onTime];
  }
}

export type Overlap = 'skip' | 'queue' | 'allow';

/**
 * What one firing does given the workflow's newest unfinished run (if any): start, be
 * skipped, or start once that run has finished.
 */
export function onOverlap(overlap: Overlap, unfinishedRunId: string | undefined): { start: false } | { start: true; waitsFor?: string } {
  if (!unfinishedRunId || overlap === 'allow') return { start: true };
  return overlap === 'skip' ? { start: false } : { start: true, waitsFor: unfinishedRunId };
}
