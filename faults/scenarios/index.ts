/** The scenarios, in the order the suite runs them. */
import type { Scenario } from './context.ts';
import { killWorkers } from './kill-workers.ts';

export const SCENARIOS: Scenario[] = [killWorkers];
