import type { AllItemsRun } from '../../sdk/index.ts';
import type { Params } from './definition.ts';

export const run: AllItemsRun<Params> = ({ items }) => ({ main: items.map((item, i) => ({ json: item.json, pairedItem: i })) });
