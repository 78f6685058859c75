/** The graphile-worker task that advances a run, and the key that keeps it to one waiting job per run. */
export const RUN_TASK = 'run';

export const runJobKey = (runId: string) => `${RUN_TASK}:${runId}`;
