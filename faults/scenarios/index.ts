/** The scenarios, in the order the suite runs them. */
import type { Scenario } from './context.ts';
import { hostileCode } from './hostile-code.ts';
import { killWorkers } from './kill-workers.ts';
import { proxyFaults } from './proxy-faults.ts';
import { restartPostgres } from './restart-postgres.ts';
import { rollingRestarts } from './rolling-restarts.ts';
import { signedReplays } from './signed-replays.ts';
import { zombieWorker } from './zombie-worker.ts';

export const SCENARIOS: Scenario[] = [killWorkers, restartPostgres, proxyFaults, zombieWorker, rollingRestarts, signedReplays, hostileCode];
