import type { AllItemsRun } from '../../sdk/index.ts';
import type { Params } from './definition.ts';

/**
 * A firing's run starts with one item saying when it fired (`scheduledFor`, the instant the
 * schedule named; `firedAt`, when it ran; `timezone`); a run started by hand gets what it was given.
 */
export const run: AllItemsRun<Params> = ({ items }) => ({ main: items });
