import type { AllItemsRun } from '../../sdk/index.ts';
import type { Params } from './definition.ts';

/**
 * The run starts with one item about the failed run: `run` (id, url), `workflow` (id, name),
 * `failedNode` (id, name), `error` (name, message), `failedAt`.
 */
export const run: AllItemsRun<Params> = ({ items }) => ({ main: items });
