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

/** A firing to start, and what its run waits for: nothing, the run that was going, or the firing before it. */
export interface Start {
  firing: Firing;
  after: 'nothing' | 'unfinished' | 'previous';
}

/**
 * What the firings of one pass start, given the workflow's newest unfinished run (if any):
 * `skip` starts none while a run is going; `queue` starts them behind it. Several firings
 * in one pass (catching up after downtime) run one after another, unless `allow`.
 */
export function startsOf(firings: readonly Firing[], overlap: Overlap, unfinishedRunId: string | undefined): Start[] {
  if (overlap === 'allow') return firings.map((firing) => ({ firing, after: 'nothing' }));
  if (overlap === 'skip' && unfinishedRunId) return [];
  return firings.map((firing, i) => ({ firing, after: i > 0 ? 'previous' : unfinishedRunId ? 'unfinished' : 'nothing' }));
}
