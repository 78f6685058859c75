import type { AllItemsRun } from '../../sdk/index.ts';
import type { Params } from './definition.ts';

/** The runtime hands a trigger the run's input items; the trigger passes them on. */
export const run: AllItemsRun<Params> = ({ items }) => ({ main: items });
